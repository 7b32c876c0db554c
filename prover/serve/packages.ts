import { promises as fs } from "node:fs";
import path from "node:path";

import { getAddress } from "ethers";

import { claimFileName } from "../snapshot/write";

/**
 * The snapshot's claim packages, looked up by account: `lifeboat snapshot` writes one file per
 * account named by its checksummed address, so the folder is the index and nothing is held in
 * memory however large the snapshot. A file whose account is not the one asked for is treated as
 * missing (never served under another name).
 */
export class ClaimPackages {
  constructor(private readonly claimsDir: string) {}

  /** The package's bytes exactly as written, or undefined when the account has none. */
  async read(account: string): Promise<Uint8Array | undefined> {
    const checksummed = getAddress(account);
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(path.join(this.claimsDir, claimFileName(checksummed)));
    } catch {
      return undefined;
    }
    try {
      const parsed = JSON.parse(bytes.toString("utf8")) as { account?: unknown };
      if (typeof parsed.account !== "string" || getAddress(parsed.account) !== checksummed) return undefined;
    } catch {
      return undefined;
    }
    return new Uint8Array(bytes);
  }
}
