#!/usr/bin/env node
// Entry point of the `lifeboat` command: runs the compiled CLI in dist/ (built by `npm run build`,
// which `npm ci` runs through the `prepare` script, and `npm test`/`npm run demo` run first).
"use strict";
const path = require("node:path");

let cli;
try {
  cli = require(path.join(__dirname, "..", "dist", "cli", "main.js"));
} catch (error) {
  if (error && error.code === "MODULE_NOT_FOUND" && String(error.message).includes(path.join("dist", "cli", "main.js"))) {
    process.stderr.write("error: the lifeboat CLI is not built (dist/ is missing): run `npm run build` in the lifeboat folder\n");
    process.exit(2);
  }
  throw error;
}
cli.run(process.argv.slice(2));
