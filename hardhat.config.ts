import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/config";
import "@nomicfoundation/hardhat-toolbox";

import { SOLC_SETTINGS, SOLC_VERSION } from "./prover/setup/solidity";

// This machine cannot download compilers: Hardhat is pointed at the npm `solc` package (pinned
// exactly in package.json) instead of its download list.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper(args);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { version(): string };
  return {
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: solc.version(),
  };
});

const config: HardhatUserConfig = {
  solidity: {
    compilers: [{ version: SOLC_VERSION, settings: SOLC_SETTINGS }],
    // The demo pool (guard, liquidations, volatility model, UUPS) exceeds the 24,576-byte code
    // limit at 10,000 runs: it (and its test successor) is optimised for size instead.
    overrides: Object.fromEntries(
      ["contracts/examples/DemoLendingPool.sol", "contracts/examples/DemoLendingPoolExtension.sol", "contracts/test/DemoLendingPoolV2.sol"].map((file) => [
        file,
        { version: SOLC_VERSION, settings: { ...SOLC_SETTINGS, optimizer: { enabled: true, runs: 1 } } },
      ]),
    ),
  },
  networks: {
    hardhat: { chainId: 31337 },
  },
  paths: { sources: "contracts", tests: "test/contracts", cache: "cache", artifacts: "artifacts" },
  mocha: { timeout: 600_000 },
};

export default config;
