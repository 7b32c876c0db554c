#!/usr/bin/env node
// Entry point of the `lifeboat` command. Runs the TypeScript sources directly (ts-node,
// transpile-only: type checking is `npm run lint`'s job), so a checkout needs no build step.
"use strict";
const path = require("node:path");
require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
require("../prover/cli/main").run(process.argv.slice(2));
