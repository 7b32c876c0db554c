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

pruneOrphans(OUT);

const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(ROOT, "tsconfig.build.json")], {
  stdio: "inherit",
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

for (const file of plainModules(SOURCE)) {
  const target = path.join(OUT, path.relative(SOURCE, file));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(file, target);
}

// The claim portal, bundled for the package (`--portal`, run by `npm pack`'s prepack): a checkout's
// `lifeboat serve` bundles its own sources into the cache, so the everyday build skips it.
const portal = path.join(OUT, "portal");
if (process.argv.includes("--portal")) buildPortal();

function buildPortal() {
  fs.rmSync(`${portal}.tmp`, { recursive: true, force: true });
  require(path.join(OUT, "serve", "portal-build.js"))
    .buildPortalInto(`${portal}.tmp`)
    .then(() => {
      fs.rmSync(portal, { recursive: true, force: true });
      fs.renameSync(`${portal}.tmp`, portal);
    })
    .catch((error) => {
      console.error(`the portal's build failed: ${error.message}`);
      process.exit(1);
    });
}

/** The .js files of prover/ and the .d.ts files that describe them (not tsc's own output). */
function* plainModules(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* plainModules(file);
    else if (entry.name.endsWith(".js") || entry.name.endsWith(".d.ts")) yield file;
  }
}

/**
 * Removes outputs whose source is gone (a moved or deleted module), which an incremental tsc
 * leaves behind and `npm pack` would otherwise ship.
 */
function pruneOrphans(dir) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (["portal", "portal.tmp"].includes(path.relative(OUT, file))) continue; // the bundled portal, not tsc's output
      pruneOrphans(file);
      if (fs.readdirSync(file).length === 0) fs.rmdirSync(file);
      continue;
    }
    const stem = path.relative(OUT, file).replace(/(\.d)?\.(js|ts)(\.map)?$/, "");
    if (stem === path.relative(OUT, file)) continue; // not a module output (.tsbuildinfo)
    const sources = [".ts", ".js", ".d.ts"].map((extension) => path.join(SOURCE, stem + extension));
    if (!sources.some((source) => fs.existsSync(source))) fs.rmSync(file);
  }
}
