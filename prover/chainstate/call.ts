import { Interface, type Result } from "ethers";

import { LifeboatError } from "../errors";
import { hexData, sendWithRetry, toQuantity, type JsonRpc, type RetryPolicy } from "./rpc";

/**
 * A view call at a block, retried with back-off, its reply decoded by the ABI (which rejects
 * malformed data). `undefined` when the contract reverts, e.g. a token without totalSupply().
 */
export async function callAt(
  rpc: JsonRpc,
  policy: RetryPolicy,
  target: { address: string; abi: Interface; block: number },
  method: string,
  args: readonly unknown[] = [],
): Promise<Result> {
  const data = target.abi.encodeFunctionData(method, args);
  const reply = await sendWithRetry(rpc, "eth_call", [{ to: target.address, data }, toQuantity(target.block)], policy);
  const returned = hexData(reply, `${method} reply of ${target.address}`);
  try {
    return target.abi.decodeFunctionResult(method, returned);
  } catch (error) {
    throw new LifeboatError(
      `${target.address}.${method} at block ${target.block} returned data that does not decode (${returned.length / 2 - 1} bytes): ${(error as Error).message.split("\n")[0]}`,
    );
  }
}

export { Interface };
