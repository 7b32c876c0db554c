#!/usr/bin/env node
// Builds the library and the CLI into dist/: tsc for the TypeScript sources, then a copy of the few
// plain JavaScript modules prover/ keeps as such (the hashing workers and the addon loader, which
// run in worker threads without a TypeScript loader), with their hand-written declarations.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.join(__dirname, "..");
const SOURCE = path.join(ROOT, "prover");
const OUT = path.join(ROOT, "dist");

const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(ROOT, "tsconfig.build.json")], {
  stdio: "inherit",
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

for (const file of plainModules(SOURCE)) {
  const target = path.join(OUT, path.relative(SOURCE, file));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(file, target);
}

/** The .js files of prover/ and the .d.ts files that describe them (not tsc's own output). */
function* plainModules(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* plainModules(file);
    else if (entry.name.endsWith(".js") || entry.name.endsWith(".d.ts")) yield file;
  }
}
