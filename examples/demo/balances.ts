import { createHash } from "node:crypto";

import { getAddress } from "ethers";

/**
 * Deterministic sample balances for the demo and the tests: `count` accounts with addresses and
 * balances derived from `seed` by SHA-256, two assets by default (18 and 6 decimals).
 */
export function sampleBalancesCsv(count: number, options: { seed?: string; assets?: string[] } = {}): string {
  const seed = options.seed ?? "lifeboat-demo";
  const assets = options.assets ?? ["WETH", "USDC"];
  const lines = [`account,${assets.join(",")}`];
  for (let i = 0; i < count; i += 1) {
    const digest = createHash("sha256").update(`${seed}/${i}`).digest();
    const account = getAddress(`0x${digest.subarray(0, 20).toString("hex")}`);
    const balances = assets.map((_, k) => {
      const units = BigInt(`0x${digest.subarray(20 + k * 3, 23 + k * 3).toString("hex")}`); // < 2^24
      return k % 2 === 0 ? units * 10n ** 14n : units * 10n ** 2n; // up to ~1,677 WETH, ~16.7k USDC
    });
    lines.push(`${account},${balances.join(",")}`);
  }
  return `${lines.join("\n")}\n`;
}
