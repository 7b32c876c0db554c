import { LifeboatError } from "../errors";

/**
 * The one set of Solidity compiler settings: hardhat.config.ts uses it for contracts/ and the
 * setup pipeline uses it for generated verifiers, so what the tests deploy is what CI compiles.
 * The compiler is the npm `solc` package (solc-js), pinned exactly in package.json, because this
 * machine cannot download compiler binaries.
 */
export const SOLC_VERSION = "0.8.28";
/** The optimizer and EVM-version settings every Solidity compilation uses (see SOLC_VERSION). */
export const SOLC_SETTINGS = {
  optimizer: { enabled: true, runs: 10_000 },
  evmVersion: "cancun",
} as const;

/** One contract compiled by solc: its ABI and bytecode (0x-prefixed hex) and the compiler version. */
export interface CompiledContract {
  readonly contractName: string;
  readonly abi: unknown[];
  readonly bytecode: string;
  readonly deployedBytecode: string;
  readonly solcVersion: string;
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>>;
}

/** Compiles one self-contained source with the pinned solc-js. */
export function compileSolidity(fileName: string, source: string, contractName: string): CompiledContract {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { compile(input: string): string; version(): string };
  const version = solc.version();
  if (!version.startsWith(SOLC_VERSION)) {
    throw new LifeboatError(`the installed solc is ${version}, expected ${SOLC_VERSION}; run npm ci`);
  }
  const input = {
    language: "Solidity",
    sources: { [fileName]: { content: source } },
    settings: {
      ...SOLC_SETTINGS,
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((error) => error.severity === "error");
  if (errors.length > 0) {
    throw new LifeboatError(`solc could not compile ${fileName}`, errors.map((error) => error.formattedMessage).join("\n"));
  }
  const contract = output.contracts[fileName]?.[contractName];
  if (contract === undefined) throw new LifeboatError(`solc produced no contract ${contractName} in ${fileName}`);
  return {
    contractName,
    abi: contract.abi,
    bytecode: `0x${contract.evm.bytecode.object}`,
    deployedBytecode: `0x${contract.evm.deployedBytecode.object}`,
    solcVersion: version,
  };
}
