import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { ContractTransactionResponse, Signer } from "ethers";

import { DAY, FINALIZE_WINDOW, MIN_CLAIM_PERIOD, VETO_WINDOW, ethers, proposal } from "./helpers/fixtures";
import { NO_PROOF, STATE, acceptAllFixture, signalsFor } from "./helpers/accept-all";

const SEQUENCES = 40;
const MIN_STEPS = 20;
const MAX_STEPS = 40;
const TOKENS = 3;
/** Time jumps, weighted towards the short ones so that proposals live long enough to be used. */
const JUMPS = [600, 3600, DAY, 2 * DAY, 2 * DAY, 3 * DAY, 3 * DAY, 5 * DAY, 20 * DAY, 45 * DAY];
/** Actions, weighted. */
const ACTIONS = [
  ...Array<"propose">(3).fill("propose"),
  ...Array<"fund">(5).fill("fund"),
  "pause",
  ...Array<"unpause">(2).fill("unpause"),
  "veto",
  ...Array<"finalize">(4).fill("finalize"),
  ...Array<"claim">(4).fill("claim"),
  ...Array<"claimTo">(2).fill("claimTo"),
  ...Array<"sweep">(2).fill("sweep"),
  ...Array<"jump">(2).fill("jump"),
  ...Array<"deadline">(3).fill("deadline"),
] as const;

interface Leaf {
  readonly account: Signer;
  readonly address: string;
  readonly amounts: bigint[];
}

/** What the test knows of a snapshot: what it proposed, and the tree's leaves (amounts sum to the totals). */
interface ModelSnapshot {
  readonly id: bigint;
  readonly tokens: number[];
  readonly totals: bigint[];
  readonly declared: bigint[];
  readonly leaves: Leaf[];
}

/**
 * Random sequences of propose / fund / pause / unpause / veto / finalize / claim / claimTo / sweep
 * with time jumps, against a vault whose verifiers accept every proof (claims carry the leaves of
 * an honest tree whose amounts sum to the totals). After every step: every token the vault
 * received is paid to a claimant, swept, or held for a snapshot that can still pay or be swept,
 * the vault holds exactly the outstanding obligations, no account is paid twice, and every payout
 * is the pro-rata formula. Operations the rules allow (a claim in the window, a finalize of a
 * funded proposal, a sweep of what can no longer pay) must succeed. At the end, time runs out and
 * everything left is swept: the vault must end empty.
 */
describe("RecoveryVault property: no token is ever stranded, lost or paid twice", function () {
  it(`holds over ${SEQUENCES} random sequences of ${MIN_STEPS}–${MAX_STEPS} steps`, async () => {
    let steps = 0;
    const outcomes: Record<string, { ok: number; refused: number }> = {};
    for (let sequence = 0; sequence < SEQUENCES; sequence += 1) {
      steps += await runSequence(sequence + 1, outcomes);
    }
    process.stderr.write(
      `      ${SEQUENCES} sequences, ${steps} steps: ${Object.entries(outcomes)
        .map(([name, o]) => `${name} ${o.ok}/${o.ok + o.refused}`)
        .join(", ")}\n`,
    );
    // The sequences must exercise every path, including the successful ones.
    for (const name of ["propose", "fund", "pause", "unpause", "veto", "finalize", "claim", "claimTo", "sweep"]) {
      expect(outcomes[name]?.ok ?? 0, `successful ${name}`).to.be.greaterThan(0);
    }
  });
});

async function runSequence(seed: number, outcomes: Record<string, { ok: number; refused: number }>): Promise<number> {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const { vault, verifier3, tokens, tokenAddresses, admin, guardian, stranger, sweepTo, signers } = await loadFixture(acceptAllFixture);
  const verifier = await verifier3.getAddress();
  const vaultAddress = await vault.getAddress();
  const claimants = signers.slice(5, 13);
  const recipients = signers.slice(13, 16);
  const snapshots: ModelSnapshot[] = [];
  const received = Array<bigint>(TOKENS).fill(0n);
  const paidToClaimants = Array<bigint>(TOKENS).fill(0n);
  const swept = Array<bigint>(TOKENS).fill(0n);
  const paidAccounts = new Set<string>();
  const where = (step: number) => `seed ${seed}, step ${step}`;

  const record = (name: string, ok: boolean) => {
    outcomes[name] ??= { ok: 0, refused: 0 };
    outcomes[name]![ok ? "ok" : "refused"] += 1;
  };

  /** Sends a transaction; books its events; returns whether it went through. */
  const send = async (name: string, tx: () => Promise<ContractTransactionResponse>, step: number, mustSucceed = false): Promise<boolean> => {
    let receipt;
    try {
      receipt = await (await tx()).wait();
    } catch (error) {
      if (mustSucceed) throw new Error(`${where(step)}: ${name} must succeed but was refused: ${(error as Error).message.split("\n")[0]}`, { cause: error });
      record(name, false);
      return false;
    }
    record(name, true);
    for (const log of receipt!.logs) {
      if (log.address !== vaultAddress) continue;
      const parsed = vault.interface.parseLog(log);
      if (parsed === null) continue;
      const model = snapshots.find((s) => s.id === (parsed.args[0] as bigint));
      if (parsed.name === "SnapshotFunded") {
        received[model!.tokens[Number(parsed.args[1])]!]! += parsed.args[3] as bigint;
      } else if (parsed.name === "Claimed") {
        const key = `${model!.id}:${parsed.args[1] as string}`;
        expect(paidAccounts.has(key), `${where(step)}: ${key} paid twice`).to.equal(false);
        paidAccounts.add(key);
        const info = await vault.snapshot(model!.id);
        const leaf = model!.leaves.find((l) => l.address === (parsed.args[1] as string))!;
        (parsed.args[3] as bigint[]).forEach((payout, k) => {
          expect(payout, `${where(step)}: payout of asset ${k}`).to.equal((leaf.amounts[k]! * info.ledgers[k]!.funded) / model!.totals[k]!);
          paidToClaimants[model!.tokens[k]!]! += payout;
        });
      } else if (parsed.name === "Swept") {
        (parsed.args[2] as bigint[]).forEach((amount, k) => (swept[model!.tokens[k]!]! += amount));
      }
    }
    return true;
  };

  /** The invariants, after every step. */
  const check = async (step: number) => {
    const owed = Array<bigint>(TOKENS).fill(0n);
    for (const model of snapshots) {
      const info = await vault.snapshot(model.id);
      info.ledgers.forEach((ledger, k) => {
        expect(ledger.paid <= ledger.funded && ledger.funded <= model.totals[k]!, `${where(step)}: ledger of ${model.id}/${k}`).to.equal(true);
        if (info.swept) expect(ledger.paid, `${where(step)}: swept ${model.id} still owes`).to.equal(ledger.funded);
        owed[model.tokens[k]!]! += ledger.funded - ledger.paid;
      });
      // Whatever is still owed belongs to a snapshot that can pay it or sweep it.
      if (info.swept) expect([STATE.Active, STATE.Vetoed, STATE.Expired]).to.include(info.state);
    }
    for (let t = 0; t < TOKENS; t += 1) {
      const held = await tokens[t]!.balanceOf(vaultAddress);
      expect(held, `${where(step)}: vault balance of token ${t} vs obligations`).to.equal(owed[t]);
      expect(received[t], `${where(step)}: token ${t} received = claims + swept + held`).to.equal(paidToClaimants[t]! + swept[t]! + held);
    }
  };

  const stepCount = MIN_STEPS + Math.floor(random() * (MAX_STEPS - MIN_STEPS + 1));
  for (let step = 0; step < stepCount; step += 1) {
    const now = BigInt(await time.latest());
    const next = now + 1n;
    await time.setNextBlockTimestamp(next);
    const paused = await vault.paused();
    // A pause lasts a few steps: governance lifts it with its timelock.
    const action = paused && random() < 0.3 ? "unpause" : pick(ACTIONS);
    // Mostly a snapshot in the state the action needs, so that successes are common too.
    const infos = await Promise.all(snapshots.map((snapshot) => vault.snapshot(snapshot.id)));
    type Info = (typeof infos)[number];
    const funded = (i: Info) => i.ledgers.every((ledger, k) => ledger.funded >= i.declaredFunding[k]!);
    const fits: Record<string, (i: Info) => boolean> = {
      fund: (i) => i.state === STATE.Proposed && !funded(i),
      finalize: (i) => i.state === STATE.Proposed && funded(i) && next >= i.vetoDeadline,
      veto: (i) => i.state === STATE.Proposed && next < i.vetoDeadline,
      claim: (i) => i.state === STATE.Active && next <= i.claimDeadline,
      claimTo: (i) => i.state === STATE.Active && next <= i.claimDeadline,
      sweep: (i) => i.state !== STATE.Proposed && i.state !== STATE.None && !i.swept,
      deadline: (i) => i.state === STATE.Proposed || i.state === STATE.Active,
    };
    const fitting = snapshots.filter((_, i) => (fits[action] ?? ((x: Info) => !x.swept))(infos[i]!));
    const model = snapshots.length === 0 ? undefined : fitting.length > 0 && random() < 0.8 ? pick(fitting) : pick(snapshots);
    const info = model === undefined ? undefined : infos[snapshots.indexOf(model)];
    const pending = info !== undefined && (info.state === STATE.Proposed || info.state === STATE.Expired);
    const expired = pending && next >= info.finalizeDeadline;
    switch (action) {
      case "propose": {
        if (snapshots.length >= 5) break;
        const count = 1 + Math.floor(random() * 2);
        const chosen = [0, 1, 2].sort(() => random() - 0.5).slice(0, count);
        const totals = chosen.map(() => BigInt(1 + Math.floor(random() * 1e6)));
        const declared = totals.map((total) => (random() < 0.2 ? total : 1n + BigInt(Math.floor(random() * Number(total)))));
        const holders = claimants
          .slice()
          .sort(() => random() - 0.5)
          .slice(0, 2 + Math.floor(random() * 4));
        const leaves: Leaf[] = [];
        for (const account of holders) leaves.push({ account, address: await account.getAddress(), amounts: totals.map(() => 0n) });
        totals.forEach((total, k) => {
          let left = total;
          leaves.forEach((leaf, i) => {
            const share = i === leaves.length - 1 ? left : BigInt(Math.floor(random() * Number(left)));
            leaf.amounts[k] = share;
            left -= share;
          });
        });
        const id = BigInt(snapshots.length + 1);
        const p = proposal({
          root: id + 100n,
          totals,
          tokens: chosen.map((t) => tokenAddresses[t]!),
          verifier,
          sweepRecipient: await sweepTo.getAddress(),
          claimPeriod: MIN_CLAIM_PERIOD + Math.floor(random() * 10) * DAY,
          declaredFunding: declared,
        });
        await send("propose", () => vault.connect(admin).propose(id, p), step, true);
        snapshots.push({ id, tokens: chosen, totals, declared, leaves });
        // Often the operator funds what it declared at once (lifeboat publish does).
        if (!paused && random() < 0.6) {
          for (const [k, amount] of declared.entries()) await send("fund", () => vault.connect(admin).fund(id, k, amount), step, true);
        }
        break;
      }
      case "fund": {
        if (model === undefined) break;
        const short = model.tokens.map((_, k) => k).filter((k) => info!.ledgers[k]!.funded < model.declared[k]!);
        const k = short.length > 0 && random() < 0.8 ? pick(short) : Math.floor(random() * model.tokens.length);
        const funded = info!.ledgers[k]!.funded;
        const missing = model.declared[k]! - funded;
        const amount =
          missing > 0n && random() < 0.7
            ? missing
            : pick([1n, model.totals[k]! - funded, model.totals[k]! - funded + 1n, BigInt(Math.floor(random() * Number(model.totals[k]!)))]);
        await send("fund", () => vault.connect(admin).fund(model.id, k, amount), step);
        break;
      }
      case "pause":
        await send("pause", () => vault.connect(guardian).pause(), step, !paused);
        break;
      case "unpause":
        await send("unpause", () => vault.connect(admin).unpause(), step, paused);
        break;
      case "veto": {
        if (model === undefined) break;
        await send("veto", () => vault.connect(guardian).veto(model.id, "property"), step);
        break;
      }
      case "finalize": {
        if (model === undefined) break;
        const allowed = !paused && pending && !expired && next >= info!.vetoDeadline && info!.ledgers.every((ledger, k) => ledger.funded >= model.declared[k]!);
        const ok = await send("finalize", () => vault.connect(stranger).finalize(model.id), step, allowed);
        expect(ok, `${where(step)}: finalize succeeded where the rules refuse it`).to.equal(allowed);
        break;
      }
      case "claim":
      case "claimTo": {
        if (model === undefined) break;
        const leaf = pick(model.leaves);
        const allowed = !paused && info!.state === STATE.Active && next <= info!.claimDeadline && !(await vault.isClaimed(model.id, leaf.address));
        const signals = signalsFor(info!.commitment, leaf.address, leaf.amounts);
        const ok =
          action === "claim"
            ? await send("claim", () => vault.connect(stranger).claim(model.id, ...NO_PROOF, signals), step, allowed)
            : await send(
                "claimTo",
                async () => vault.connect(leaf.account).claimTo(model.id, ...NO_PROOF, signals, await pick(recipients).getAddress()),
                step,
                allowed,
              );
        expect(ok, `${where(step)}: ${action} succeeded where the rules refuse it`).to.equal(allowed);
        break;
      }
      case "sweep": {
        if (model === undefined) break;
        const canNoLongerPay = info!.state === STATE.Vetoed || expired || (info!.state === STATE.Active && next > info!.claimDeadline);
        const allowed = !paused && !info!.swept && canNoLongerPay;
        const ok = await send("sweep", () => vault.connect(admin).sweep(model.id), step, allowed);
        expect(ok, `${where(step)}: sweep succeeded where the rules refuse it`).to.equal(allowed);
        break;
      }
      case "jump":
        await time.increase(pick(JUMPS));
        record("jump", true);
        break;
      case "deadline": {
        // To one of a snapshot's deadlines, or a second either side: the boundaries are where
        // off-by-one mistakes live.
        if (info === undefined) break;
        const ahead = [info.vetoDeadline, info.vetoDeadline, info.finalizeDeadline, info.claimDeadline].filter((t) => t >= next);
        if (ahead.length === 0) break;
        const target = pick(ahead) + pick([-1n, 0n, 1n]);
        if (target > next) {
          await time.setNextBlockTimestamp(target);
          await ethers.provider.send("evm_mine", []);
          record("deadline", true);
        }
        break;
      }
    }
    await check(step);
  }

  // Time runs out: governance lifts any pause, every window closes, everything left is swept.
  if (await vault.paused()) await send("final unpause", () => vault.connect(admin).unpause(), stepCount, true);
  await time.increase(VETO_WINDOW + FINALIZE_WINDOW + MIN_CLAIM_PERIOD + 20 * DAY);
  for (const model of snapshots) {
    const info = await vault.snapshot(model.id);
    if (!info.swept) await send("final sweep", () => vault.connect(admin).sweep(model.id), stepCount, true);
  }
  await check(stepCount);
  for (let t = 0; t < TOKENS; t += 1) {
    expect(await tokens[t]!.balanceOf(vaultAddress), `seed ${seed}: the vault ends empty of token ${t}`).to.equal(0n);
    let claimantsHold = 0n;
    for (const account of [...claimants, ...recipients]) claimantsHold += await tokens[t]!.balanceOf(await account.getAddress());
    expect(claimantsHold, `seed ${seed}: claimants hold what the Claimed events say`).to.equal(paidToClaimants[t]);
    expect(await tokens[t]!.balanceOf(await sweepTo.getAddress()), `seed ${seed}: the sweep recipient holds what the Swept events say`).to.equal(swept[t]);
    expect(received[t]).to.equal(paidToClaimants[t]! + swept[t]!);
  }
  return stepCount;
}

/** mulberry32: a small seeded PRNG whose consecutive outputs are not visibly correlated. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
