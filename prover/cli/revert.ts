import type { Interface } from "ethers";

/** A failed call's reason: the contract's custom error by name and arguments when `contract` knows it. */
export function revertReason(error: unknown, contract: Interface): string {
  const data = (error as { data?: unknown }).data;
  const parsed = typeof data === "string" && data.length >= 10 ? contract.parseError(data) : null;
  if (parsed !== null) return `${parsed.name}(${parsed.args.map(String).join(", ")})`;
  return (error as Error).message.split("\n")[0]!;
}
