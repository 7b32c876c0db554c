#!/usr/bin/env node
// Entry point of the `lifeboat` command. Runs the TypeScript sources directly (ts-node,
// transpile-only: type checking is `npm run lint`'s job), so a checkout needs no build step.
// It runs from any directory: Hardhat (still used for the contracts' artifacts and `lifeboat node`)
// is pointed at this package's configuration instead of looking for one in the caller's directory.
"use strict";
const path = require("node:path");
process.env.HARDHAT_CONFIG ??= path.join(__dirname, "..", "hardhat.config.ts");
require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
require("../prover/cli/main").run(process.argv.slice(2));
