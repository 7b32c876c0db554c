import { expect } from "chai";

import { concat, hashMessage, keccak256, toBeHex, toUtf8Bytes, verifyMessage, Wallet } from "ethers";

import { ECDSA_IMPLEMENTATION, recoverSigner } from "../../prover/serve/ecdsa";
import { RecoveryPool, RecoveryPoolBusy } from "../../prover/serve/recovery-pool";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** ethers' own answer: the address verifyMessage recovers, or undefined when it throws. */
function ethersReads(message: string, signature: string): string | undefined {
  try {
    return verifyMessage(message, signature);
  } catch {
    return undefined;
  }
}

describe("sign-in signatures are recovered by libsecp256k1, accepting exactly what ethers accepts", () => {
  const wallets = Array.from({ length: 6 }, (_, i) => new Wallet(keccak256(toUtf8Bytes(`ecdsa test ${i}`))));

  it("loads libsecp256k1's addon here (the package ships it prebuilt for linux-x64: this machine, CI, a fresh clone)", () => {
    // Everything below compares libsecp256k1 with ethers: without the addon it would compare ethers with itself.
    expect(ECDSA_IMPLEMENTATION).to.equal("libsecp256k1");
  });

  it("recovers the signer of 60 messages, as ethers does", async () => {
    for (let i = 0; i < 60; i += 1) {
      const wallet = wallets[i % wallets.length]!;
      const message = `sign-in ${i} ${"x".repeat(i)}`;
      const signature = await wallet.signMessage(message);
      expect(recoverSigner(hashMessage(message), signature)).to.equal(wallet.address);
      expect(recoverSigner(hashMessage(message), signature, "ethers")).to.equal(wallet.address);
      // Another message: another (random) key, never the wallet's.
      expect(recoverSigner(hashMessage(`${message}!`), signature)).to.not.equal(wallet.address);
    }
  });

  it("answers like ethers for every v, for r and s at and beyond their bounds, and for malformed signatures", async () => {
    const message = "sign in";
    const signature = await wallets[0]!.signMessage(message);
    const r = signature.slice(2, 66);
    const s = signature.slice(66, 130);
    const v = parseInt(signature.slice(130), 16);
    const word = (value: bigint): string => toBeHex(value, 32).slice(2);
    const variants: string[] = [signature];
    for (const other of [0, 1, 2, 26, 27, 28, 29, 34, 35, 36, 37, 38, 255]) variants.push(`0x${r}${s}${other.toString(16).padStart(2, "0")}`);
    for (const bad of [0n, 1n, N - 1n, N, N + 1n, 2n ** 255n, 2n ** 256n - 1n]) {
      variants.push(`0x${word(bad)}${s}${v.toString(16)}`);
      variants.push(`0x${r}${word(bad)}${v.toString(16)}`);
    }
    // The same signature with s negated (N - s, "high s"): ethers refuses it when s's top bit is set.
    variants.push(`0x${r}${word(N - BigInt(`0x${s}`))}${(v ^ 1).toString(16)}`);
    variants.push(concat([`0x${r}`, `0x${s}`]));
    variants.push(`${signature}00`, "0x", "0x1234", `0x${"zz".repeat(65)}`);
    for (const variant of variants) {
      const expected = ethersReads(message, variant);
      expect(recoverSigner(hashMessage(message), variant), variant).to.equal(expected);
      expect(recoverSigner(hashMessage(message), variant, "ethers"), variant).to.equal(expected);
    }
    expect(variants.filter((variant) => ethersReads(message, variant) === wallets[0]!.address).length).to.be.greaterThan(2);
  });
});

describe("the signature-recovery pool (worker threads, used where libsecp256k1 cannot load) answers as ethers, bounded, and stops cleanly", () => {
  const wallets = Array.from({ length: 4 }, (_, i) => new Wallet(keccak256(toUtf8Bytes(`recovery pool ${i}`))));

  it("recovers 40 signatures sent at once on two threads, damaged ones among them, each as ethers does", async () => {
    const pool = new RecoveryPool(2, 100);
    try {
      const cases = await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const message = `sign-in ${i}`;
          const signature = await wallets[i % wallets.length]!.signMessage(message);
          // Every fifth one is damaged: another v, or a truncated signature.
          const sent = i % 5 === 1 ? `${signature.slice(0, 130)}1d` : i % 5 === 3 ? signature.slice(0, 100) : signature;
          return { message, sent, expected: ethersReads(message, sent) };
        }),
      );
      const answers = await Promise.all(cases.map(({ message, sent }) => pool.recover(hashMessage(message), sent)));
      expect(answers).to.deep.equal(cases.map((c) => c.expected));
      expect(answers.filter((answer) => answer !== undefined)).to.have.length(24);
      expect(pool.queued).to.equal(0);
    } finally {
      await pool.close();
    }
  });

  it("refuses at once, as busy, what would wait beyond its bound, and answers the rest", async () => {
    const pool = new RecoveryPool(1, 4);
    try {
      const message = "sign in";
      const signature = await wallets[0]!.signMessage(message);
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => pool.recover(hashMessage(message), signature)));
      expect(results.slice(0, 4).map((result) => (result.status === "fulfilled" ? result.value : result.reason))).to.deep.equal(
        Array(4).fill(wallets[0]!.address),
      );
      for (const result of results.slice(4)) {
        expect(result.status).to.equal("rejected");
        expect((result as PromiseRejectedResult).reason).to.be.instanceOf(RecoveryPoolBusy);
      }
      // Once the queue has drained it takes work again.
      expect(await pool.recover(hashMessage(message), signature)).to.equal(wallets[0]!.address);
    } finally {
      await pool.close();
    }
  });

  it("on close rejects what is still waiting and everything after, and stops its threads", async () => {
    const pool = new RecoveryPool(2, 100);
    const message = "sign in";
    const signature = await wallets[1]!.signMessage(message);
    const waiting = Promise.allSettled(Array.from({ length: 20 }, () => pool.recover(hashMessage(message), signature)));
    await pool.close();
    const settled = await waiting;
    expect(settled.some((result) => result.status === "rejected")).to.equal(true);
    for (const result of settled) if (result.status === "fulfilled") expect(result.value).to.equal(wallets[1]!.address);
    expect(pool.queued).to.equal(0);
    await pool.close();
    let refused: unknown;
    await pool.recover(hashMessage(message), signature).catch((error: unknown) => (refused = error));
    expect(String(refused)).to.contain("the signature checker has stopped");
  });
});
