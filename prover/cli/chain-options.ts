import type { Signer } from "ethers";

import { openChain, type Chain } from "../chain";
import { KEYSTORE_PASSWORD_ENV, loadSigner, PRIVATE_KEY_ENV } from "../chain";
import { UsageError } from "./args";
import { opt } from "./options";

/** What every chain command says when --rpc is missing: how to get an endpoint. */
export const RPC_MISSING =
  "--rpc URL is required: the JSON-RPC endpoint of the chain the vault is on (your node or provider, " +
  "e.g. https://…); for a rehearsal run `lifeboat node` in another terminal and pass --rpc http://127.0.0.1:8545";

/** Options every chain command takes. */
export const CHAIN_OPTIONS = {
  rpc: opt.url("URL", "the chain's JSON-RPC endpoint (lifeboat node serves http://127.0.0.1:8545 for rehearsals)"),
  keystore: opt.path(
    "FILE",
    `an encrypted JSON keystore to sign with, its password in ${KEYSTORE_PASSWORD_ENV} (or the private key in ${PRIVATE_KEY_ENV}; never on the command line; on a development node: its first unlocked account)`,
  ),
};

/** Set by the CLI's entry point: without --rpc, the CLI refuses; library and test callers get an in-process chain. */
export const cli = { running: false };

/** Connects to --rpc (required: an in-process chain would vanish with the command) and loads the signer when one is needed. */
export async function connect(
  values: { rpc?: string | undefined; keystore?: string | undefined },
  needsSigner: boolean,
  usage = "",
): Promise<{ chain: Chain; signer?: Signer }> {
  if (values.rpc === undefined && cli.running) throw new UsageError(RPC_MISSING, usage);
  const chain = await openChain(values.rpc);
  if (!needsSigner) return { chain };
  const signer = await loadSigner(chain.provider, { keystore: values.keystore, fallback: chain.devSigner });
  return { chain, signer };
}
