import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";

import { NODE_SUBCOMMANDS } from "../../prover/cli/commands/node";
import { COMMAND_INDEX, loadCommands } from "../../prover/cli/main";
import { parseArgv } from "../../prover/cli/options";
import { ROOT_DIR } from "../helpers/cli";

const ALL = [...loadCommands(), ...Object.values(NODE_SUBCOMMANDS)];

/** The README's command section: from "## Commands" to the next section. */
function commandSection(): string {
  const readme = readFileSync(path.join(ROOT_DIR, "README.md"), "utf8");
  const start = readme.indexOf("## Commands\n");
  return readme.slice(start, readme.indexOf("\n## ", start + 1));
}

/** The usage lines of every command (and of its alternative forms), as --help prints them. */
function generatedSynopses(): string[] {
  return ALL.flatMap((command) =>
    command.usage
      .split("\n")
      .filter((line) => /^(usage: | {7})lifeboat /.test(line))
      .map((line) => line.replace(/^usage: | {7}/, "")),
  );
}

describe("the README's command section and every --help say the same", function () {
  it("lists exactly the generated usage line of every command, in order", () => {
    const section = commandSection();
    const block = section.slice(section.indexOf("```text\n") + 8, section.indexOf("```", section.indexOf("```text\n") + 8));
    expect(block.trim().split("\n")).to.deep.equal(generatedSynopses());
  });

  it("uses in its examples only options each command declares", () => {
    const section = commandSection();
    const examples = section.slice(section.indexOf("```sh\n") + 6, section.indexOf("```", section.indexOf("```sh\n") + 6)).replace(/\\\n\s*/g, "");
    let checked = 0;
    for (const line of examples.split("\n")) {
      const match = /lifeboat ([a-z-]+)(?: (time|token|mint)\b)?(.*?)(?:\s+#.*)?$/.exec(line);
      if (match === null) continue;
      const command = match[2] !== undefined ? NODE_SUBCOMMANDS[match[2]] : ALL.find((c) => c.name === match[1]);
      expect(command, line).to.not.equal(undefined);
      const flags = [...match[3]!.matchAll(/--([a-z-]+)/g)].map((m) => m[1]!);
      for (const flag of flags) expect(command!.usage, `${line}: --${flag}`).to.match(new RegExp(`^  --${flag}\\b`, "m"));
      checked += 1;
    }
    expect(checked).to.be.greaterThan(20);
  });

  it("lists every command with the summary its declaration has", () => {
    expect(COMMAND_INDEX.map((entry) => [entry.name, entry.summary])).to.deep.equal(loadCommands().map((command) => [command.name, command.summary]));
  });

  it("generates the usage from the declarations: a repeated option is refused by name", () => {
    const options = { guardian: { kind: "value" as const, metavar: "ADDR[,ADDR..]", help: "", required: false, parse: (raw: string) => raw } };
    expect(() => parseArgv(["--guardian", "a", "--guardian", "b"], options, "")).to.throw(
      '--guardian is given twice ("a" and "b"): it takes one value; give a list as one comma-separated value',
    );
    expect(parseArgv(["--guardian=a,b"], options, "")).to.deep.equal({ guardian: "a,b" });
  });
});
