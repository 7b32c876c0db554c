import { expect } from "chai";
import { promises as fs } from "node:fs";
import path from "node:path";

import hre from "hardhat";
import { Interface, type InterfaceAbi } from "ethers";

import { BINDING_SETS, camelName, existingBindingFiles, renderBindings } from "../../scripts/generate-bindings";
import { bindings } from "../../prover/contracts";

const ROOT = path.join(__dirname, "..", "..");

describe("generated contract bindings", function () {
  this.timeout(300_000);

  it("regenerating them from the current compile changes nothing (run npm run generate:bindings after a contract change)", async () => {
    await hre.run("compile", { quiet: true });
    const files = await renderBindings((name) => hre.artifacts.readArtifact(name));
    const stale: string[] = [];
    for (const [file, content] of files) {
      const committed = await fs.readFile(path.join(ROOT, file), "utf8").catch(() => undefined);
      if (committed !== content) stale.push(file);
    }
    const extra = (await existingBindingFiles(ROOT)).filter((file) => !files.has(file));
    expect({ stale, extra }, "the committed bindings differ from the compile: run npm run generate:bindings and commit the result").to.deep.equal({
      stale: [],
      extra: [],
    });
  });

  it("name modules and exports predictably", () => {
    expect(["RecoveryVault", "IERC20Metadata", "IGuardedPool", "ERC1967Proxy", "AggregatorV3Interface"].map(camelName)).to.deep.equal([
      "recoveryVault",
      "ierc20Metadata",
      "iGuardedPool",
      "erc1967Proxy",
      "aggregatorV3Interface",
    ]);
    expect(BINDING_SETS.map((set) => set.directory)).to.deep.equal(["prover/contracts", "examples/demo/bindings"]);
  });

  it("give ethers a usable interface for every product contract, with bytecode for those Lifeboat deploys", () => {
    for (const [name, binding] of Object.entries(bindings)) {
      const contractInterface = new Interface(binding.abi as InterfaceAbi);
      expect(contractInterface.fragments.length, name).to.be.greaterThan(0);
    }
    expect(
      Object.entries(bindings)
        .filter(([, binding]) => "bytecode" in binding)
        .map(([name]) => name),
    ).to.deep.equal(["RecoveryVault", "Safe", "SafeProxyFactory", "TestToken"]);
  });

  it("nothing in the library or the CLI imports Hardhat, except lazily for the development chain that runs without --rpc", async () => {
    const eager: string[] = [];
    const lazy: string[] = [];
    const walk = async (directory: string): Promise<void> => {
      for (const entry of await fs.readdir(directory, { withFileTypes: true })) {
        const file = path.join(directory, entry.name);
        if (entry.isDirectory()) await walk(file);
        else if (/\.(ts|js)$/.test(entry.name)) {
          const text = await fs.readFile(file, "utf8");
          if (/^import\s[^;]*from\s*["']hardhat/m.test(text)) eager.push(path.relative(ROOT, file));
          if (/require\(\s*["']hardhat/.test(text)) lazy.push(path.relative(ROOT, file));
        }
      }
    };
    await walk(path.join(ROOT, "prover"));
    expect(eager).to.deep.equal([]);
    // The in-process development chain (openChain without --rpc) and the `lifeboat node` command.
    expect(lazy.filter((file) => file !== "prover/chain/network.ts" && !file.startsWith("prover/cli/commands/"))).to.deep.equal([]);
    expect(lazy).to.include("prover/chain/network.ts");
  });

  it("the product's Solidity imports nothing from the demo, the mocks or the test contracts", async () => {
    const product = ["contracts/RecoveryVault.sol", "contracts/base", "contracts/guard", "contracts/interfaces"];
    const files: string[] = [];
    for (const entry of product) {
      const full = path.join(ROOT, entry);
      if ((await fs.stat(full)).isDirectory()) for (const name of await fs.readdir(full)) files.push(path.join(full, name));
      else files.push(full);
    }
    const offenders: string[] = [];
    for (const file of files) {
      for (const match of (await fs.readFile(file, "utf8")).matchAll(/import\s[^;]*?["']([^"']+)["']/g)) {
        const target = match[1]!;
        if (
          target.startsWith(".") &&
          /(^|\/)(examples|mocks|test|imports)\//.test(path.relative(path.join(ROOT, "contracts"), path.resolve(path.dirname(file), target)))
        ) {
          offenders.push(`${path.relative(ROOT, file)} imports ${target}`);
        }
      }
    }
    expect(files.length).to.be.greaterThan(8);
    expect(offenders).to.deep.equal([]);
  });
});
