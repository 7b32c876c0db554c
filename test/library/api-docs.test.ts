import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";

import ts from "typescript";

import { ROOT_DIR } from "../helpers/cli";

/** The package's entry points, as its exports map names them. */
function entryPoints(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(path.join(ROOT_DIR, "package.json"), "utf8")) as { exports: Record<string, string | { default: string }> };
  const entries: Record<string, string> = {};
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target === "string") continue;
    entries[subpath] = path.join(ROOT_DIR, target.default.replace(/^\.\/dist\//, "prover/").replace(/\.js$/, ".ts"));
  }
  return entries;
}

/** Every name each entry point exports that has no TSDoc comment on its declaration. */
export function undocumentedExports(): string[] {
  const entries = entryPoints();
  const program = ts.createProgram(Object.values(entries), {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    esModuleInterop: true,
    resolveJsonModule: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const missing: string[] = [];
  for (const [subpath, file] of Object.entries(entries)) {
    const source = program.getSourceFile(file);
    if (source === undefined) throw new Error(`entry point ${subpath} (${file}) does not exist`);
    const moduleSymbol = checker.getSymbolAtLocation(source);
    if (moduleSymbol === undefined) throw new Error(`entry point ${subpath} is not a module`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (symbol.getDocumentationComment(checker).length === 0 && !hasDocTag(symbol)) missing.push(`${subpath}: ${exported.getName()}`);
    }
  }
  return missing;
}

function hasDocTag(symbol: ts.Symbol): boolean {
  return (symbol.getDeclarations() ?? []).some((declaration) => ts.getJSDocCommentsAndTags(declaration).length > 0);
}

describe("the public API", function () {
  it("documents every export of every entry point (TSDoc)", function () {
    this.timeout(120_000);
    expect(undocumentedExports()).to.deep.equal([]);
  });
});
