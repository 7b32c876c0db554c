#!/usr/bin/env node
// Builds the native addon (native/poseidon: Poseidon, and for the Groth16 prover the QAP, NTTs,
// BN254 multi-scalar multiplications and group FFTs) with node-gyp. Runs on `npm ci` (postinstall)
// and on `npm run build:native`. It never fails the install: without a compiler Lifeboat falls
// back to the WebAssembly Poseidon and to snarkjs's prover (slower; `npm run bench` names which
// is in use).
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const dir = path.join(__dirname, "..", "native", "poseidon");
const addon = path.join(dir, "build", "Release", "poseidon.node");
const sources = [
  "poseidon.c",
  "bn254.c",
  "bn254_curve.h",
  "bn254_combine.h",
  "bn254_combine_group.h",
  "mont.h",
  "napi_util.h",
  "binding.gyp",
  "generate-constants.js",
].map((name) => path.join(dir, name));

function upToDate() {
  if (!fs.existsSync(addon)) return false;
  const built = fs.statSync(addon).mtimeMs;
  return sources.every((file) => fs.statSync(file).mtimeMs <= built);
}

function nodeGyp() {
  // npm passes its own node-gyp to lifecycle scripts; otherwise use the copy bundled with npm.
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(path.dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
  ];
  return candidates.find((file) => file !== undefined && fs.existsSync(file));
}

function warn(message) {
  process.stderr.write(`lifeboat: native addon not built (${message}); using the WebAssembly Poseidon and snarkjs's prover\n`);
  process.exit(0);
}

if (upToDate() && !process.argv.includes("--force")) process.exit(0);
const generated = spawnSync(process.execPath, [path.join(dir, "generate-constants.js")], { stdio: "inherit" });
if (generated.status !== 0) warn("constant generation failed");
const gyp = nodeGyp();
if (gyp === undefined) warn("node-gyp not found");
// Node's headers ship with this Node (include/node beside the binary): point node-gyp at them so it
// never tries to download them.
const nodedir = path.join(path.dirname(process.execPath), "..");
const args = [gyp, "rebuild", "--release"];
if (fs.existsSync(path.join(nodedir, "include", "node", "node_api.h"))) args.push(`--nodedir=${nodedir}`);
const built = spawnSync(process.execPath, args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
if (built.status !== 0) warn(`node-gyp failed: ${(built.stderr || "").trim().split("\n").slice(-3).join(" / ")}`);
process.stderr.write(`lifeboat: native addon built (${path.relative(process.cwd(), addon)})\n`);
