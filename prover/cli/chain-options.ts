import type { Signer } from "ethers";

import { openChain, type Chain } from "../chain/network";
import { KEYSTORE_PASSWORD_ENV, loadSigner, PRIVATE_KEY_ENV } from "../chain/signer";
import { log } from "./progress";

/** Options every chain command takes. */
export const CHAIN_OPTIONS = {
  rpc: { type: "string" },
  keystore: { type: "string" },
} as const;

export const CHAIN_USAGE = `  --rpc URL        a JSON-RPC endpoint (default: an in-process Hardhat chain, which ends with the
                   command; run \`lifeboat node\` and pass --rpc http://127.0.0.1:8545 to keep state)
  --keystore FILE  an encrypted JSON keystore; its password in ${KEYSTORE_PASSWORD_ENV}
                   (or the private key in ${PRIVATE_KEY_ENV}; never on the command line)`;

export async function connect(values: { rpc?: string | undefined; keystore?: string | undefined }, needsSigner: boolean): Promise<{ chain: Chain; signer?: Signer }> {
  const chain = await openChain(values.rpc);
  if (chain.inProcess && require.main?.filename.endsWith("lifeboat.js") === true) {
    log("note: in-process chain: its state ends with this command (use lifeboat node and --rpc to keep it)");
  }
  if (!needsSigner) return { chain };
  const signer = await loadSigner(chain.provider, { keystore: values.keystore, fallback: chain.devSigner });
  return { chain, signer };
}
