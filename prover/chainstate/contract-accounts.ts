import { Interface } from "ethers";

import { CallRevertedError, hexData, sendWithRetry, type JsonRpc, type RetryPolicy } from "./rpc";

/**
 * Accounts with code cannot sign a claim of their own. The report sorts them so the operator can
 * decide before publishing (exclude and re-assign by adjustment, or contact the owner):
 * - `delegated-eoa`: an EIP-7702 delegation; the key holder claims as any user does;
 * - `safe`: a Safe multisig; it claims (or redirects with claimTo) through a Safe transaction;
 * - `contract`: anything else. Anyone may submit its proof and the vault pays it, but it may have
 *   no way to move the tokens it receives: flagged.
 */
export interface ContractAccount {
  readonly account: string;
  readonly kind: "delegated-eoa" | "safe" | "contract";
  readonly flagged: boolean;
}

const SAFE = new Interface(["function getThreshold() view returns (uint256)"]);
const CONCURRENCY = 16;

/**
 * Finds which of `accounts` have code (eth_getCode at the latest block, not the snapshot block)
 * and classifies each as a ContractAccount, sorted by lower-case address. Accounts without code
 * are not listed. Up to 16 requests run at once; `log` receives progress lines.
 */
export async function contractAccounts(
  rpc: JsonRpc,
  policy: RetryPolicy,
  accounts: readonly string[],
  log: (line: string) => void,
): Promise<ContractAccount[]> {
  const found: ContractAccount[] = [];
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < accounts.length) {
      const account = accounts[next] as string;
      next += 1;
      const code = hexData(await sendWithRetry(rpc, "eth_getCode", [account, "latest"], policy), `code of ${account}`);
      if (code !== "0x") found.push({ account, ...(await classify(rpc, policy, account, code)) });
      done += 1;
      if (done % 1000 === 0 || done === accounts.length) log(`contract accounts: checked ${done}/${accounts.length}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, accounts.length) }, worker));
  return found.sort((a, b) => a.account.toLowerCase().localeCompare(b.account.toLowerCase()));
}

async function classify(rpc: JsonRpc, policy: RetryPolicy, account: string, code: string): Promise<Omit<ContractAccount, "account">> {
  if (code.startsWith("0xef0100") && code.length === 2 + 2 * 23) return { kind: "delegated-eoa", flagged: false };
  try {
    const reply = await sendWithRetry(rpc, "eth_call", [{ to: account, data: SAFE.encodeFunctionData("getThreshold") }, "latest"], policy);
    const threshold = SAFE.decodeFunctionResult("getThreshold", hexData(reply, "getThreshold reply"))[0] as bigint;
    if (threshold > 0n) return { kind: "safe", flagged: false };
  } catch (error) {
    if (!(error instanceof CallRevertedError) && !(error instanceof Error && /decode|invalid/i.test(error.message))) throw error;
  }
  return { kind: "contract", flagged: true };
}
