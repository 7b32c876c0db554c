import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import * as snarkjs from "snarkjs";

import { claimCircuitInput, type ClaimCircuitInput } from "../../prover/proof/witness";
import { claimContext } from "../../prover/proof/context";
import { ensureClaimArtifacts, type ClaimArtifacts } from "../../prover/setup";
import type { ClaimPackage } from "../../prover/snapshot/formats";
import { CLAIM_FORMAT } from "../../prover/snapshot/formats";
import { MerkleSumTree, hashLeaves, writeElement, type Hash } from "../../prover/tree";
import { referenceHashing, seededRandom } from "./hashing";

const quiet = (): void => undefined;

/** A compiled circuit (a claim instance or a gadget under test), as the witness helpers take it. */
type Compiled = Pick<ClaimArtifacts, "circuit">;

export function claimArtifacts(depth: number, assets: number): Promise<ClaimArtifacts> {
  return ensureClaimArtifacts(depth, assets, { log: quiet });
}

export interface TestLeaf {
  account: string;
  salt: bigint;
  balances: bigint[];
}

export function testLeaves(count: number, assets: number, seed: number): TestLeaf[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => ({
    account: `0x${(i + 1).toString(16).padStart(4, "0")}${Math.floor(random() * 2 ** 32)
      .toString(16)
      .padStart(8, "0")}${"ab".repeat(14)}`,
    salt: BigInt(Math.floor(random() * 2 ** 48)) << 200n,
    balances: Array.from({ length: assets }, () => BigInt(Math.floor(random() * 2 ** 40)) << 40n),
  }));
}

/** A tree of test leaves and the claim package of each leaf, built with the reference hasher. */
export async function testTree(leaves: TestLeaf[], depth: number, assets: number): Promise<{ tree: MerkleSumTree; packages: ClaimPackage[]; hash: Hash }> {
  const { hash, hashBatch } = await referenceHashing();
  const values = leaves.map((leaf) => ({ account: BigInt(leaf.account), salt: leaf.salt, balances: leaf.balances }));
  const tree = await MerkleSumTree.build({ depth, assets, ...(await hashLeaves(values, assets, hashBatch)) }, hashBatch);
  const packages = leaves.map((leaf, index): ClaimPackage => ({
    format: CLAIM_FORMAT,
    circuit: `claim_d${depth}_k${assets}`,
    depth,
    assets: Array.from({ length: assets }, (_, k) => `T${k}`),
    root: tree.root.toString(),
    totals: tree.totals.map(String),
    account: leaf.account,
    salt: leaf.salt.toString(),
    balances: leaf.balances.map(String),
    leafIndex: index,
    path: tree.path(index).map((step) => ({ siblingHash: step.siblingHash.toString(), siblingSums: step.siblingSums.map(String) })),
    // The operator's tests prove from its own setup cache, not from published artifacts.
    artifacts: {},
  }));
  return { tree, packages, hash };
}

export const TEST_TARGET = { chainId: 31337n, vault: "0x5FbDB2315678afecb367f032d93F642f64180aa3", snapshotId: 1n };

export async function validInput(claim: ClaimPackage): Promise<ClaimCircuitInput> {
  const { hash } = await referenceHashing();
  return claimCircuitInput(hash, claim, claimContext(TEST_TARGET));
}

/** Computes the witness; resolves to the witness bytes, or rejects when a constraint fails. */
export async function witness(artifacts: Compiled, input: Record<string, unknown>): Promise<Uint8Array> {
  const out: { type: "mem"; data?: Uint8Array } = { type: "mem" };
  await snarkjs.wtns.calculate(input, await fs.readFile(artifacts.circuit.wasm), out);
  return out.data as Uint8Array;
}

/** Asserts that the witness generator refuses an input (a constraint fails while computing it). */
export async function refuses(artifacts: Compiled, input: Record<string, unknown>): Promise<void> {
  let failed = false;
  try {
    await witness(artifacts, input);
  } catch {
    failed = true;
  }
  if (!failed) throw new Error("the witness generator accepted an input that violates the circuit");
}

/** Whether a witness satisfies every R1CS constraint (snarkjs `wtns check`). */
export async function satisfies(artifacts: Compiled, wtns: Uint8Array): Promise<boolean> {
  const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), "lifeboat-wtns-")), "w.wtns");
  await fs.writeFile(file, wtns);
  try {
    const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    return await snarkjs.wtns.check(artifacts.circuit.r1cs, file, silent);
  } finally {
    await fs.rm(path.dirname(file), { recursive: true, force: true });
  }
}

/**
 * Wire index of a signal, from the .sym file (`labelIndex,wireIndex,componentIndex,name`).
 * Signals that --O2 eliminated have wire index -1 and cannot be tampered with directly.
 */
export async function wireOf(artifacts: Compiled, signal: string): Promise<number> {
  const lines = (await fs.readFile(artifacts.circuit.sym, "utf8")).split("\n");
  for (const line of lines) {
    const [, wire, , name] = line.split(",");
    if (name === signal) return Number(wire);
  }
  throw new Error(`signal ${signal} not in ${artifacts.circuit.sym}`);
}

/**
 * Overwrites one wire of a .wtns buffer. Layout: header section (id 1) then the witness section
 * (id 2) of 32-byte little-endian field elements.
 */
export function setWire(wtns: Uint8Array, wire: number, value: bigint): Uint8Array {
  const copy = new Uint8Array(wtns);
  const view = new DataView(copy.buffer);
  let offset = 12; // magic(4) version(4) nSections(4)
  for (;;) {
    const id = view.getUint32(offset, true);
    const size = Number(view.getBigUint64(offset + 4, true));
    if (id === 2) {
      writeElement(copy.subarray(offset + 12, offset + 12 + size), wire, value);
      return copy;
    }
    offset += 12 + size;
  }
}

export function readWire(wtns: Uint8Array, wire: number): bigint {
  const view = new DataView(wtns.buffer, wtns.byteOffset, wtns.byteLength);
  let offset = 12;
  for (;;) {
    const id = view.getUint32(offset, true);
    const size = Number(view.getBigUint64(offset + 4, true));
    if (id === 2) {
      const start = offset + 12 + wire * 32;
      return BigInt(
        `0x${Buffer.from(wtns.subarray(start, start + 32))
          .reverse()
          .toString("hex")}`,
      );
    }
    offset += 12 + size;
  }
}

export const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
