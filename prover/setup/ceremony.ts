import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";

import * as snarkjs from "snarkjs";

import { verifierSourceOf } from "../artifacts/verifier";
import { LifeboatError } from "../errors";
import { exists, writeFileAtomic } from "../fs-atomic";
import { cacheRoot, sha256File, sha256Hex, withLock } from "./cache";
import type { CompiledCircuit } from "./circuits";
import { sectionIds } from "./bin-file";
import { developmentPtauAvailable, makeDevelopmentPtau } from "./development-ptau";
import { nativePhase2Available, preparePhase2Native } from "./native-phase2";
import { nativeZKeyAvailable, newZKeyNative } from "./native-zkey";
import { compileSolidity, type CompiledContract } from "./solidity";
import { ptauForVerification } from "./ptau-source";
import type { VerificationKey } from "../proof/groth16-types";

/** Power of the development powers-of-tau: 2^14 constraints, enough for every claim instance. */
export const DEV_PTAU_POWER = 14;

/**
 * Where a powers-of-tau file came from. `development` means made on this machine by Lifeboat: one
 * contribution with fresh randomness (prover/setup/development-ptau.ts; `steps` says how). Anyone
 * who kept that randomness could forge proofs, so it is for development only; production uses a
 * public ceremony file (--ptau).
 */
export interface PtauProvenance {
  readonly kind: "development" | "external";
  readonly file: string;
  readonly sha256: string;
  readonly power: number;
  readonly steps: readonly string[];
}

/** How a circuit's keys were made, recorded next to them (provenance.json) and published in the artifacts index. */
export interface SetupProvenance {
  /** True when the powers of tau and phase 2 were made on this machine: fit for testing only. */
  readonly development: boolean;
  readonly circuit: string;
  /** Digest of the circuit sources, compiler and flags the keys were made for. */
  readonly circuitDigest: string;
  readonly constraints: number;
  readonly ptau: PtauProvenance;
  /** sha256 (hex) of the proving key. */
  readonly zkeySha256: string;
  /** sha256 (hex) of verification_key.json. */
  readonly verificationKeySha256: string;
  /** The phase-2 steps taken, in order, as human-readable lines. */
  readonly phase2: readonly string[];
  /**
   * What snarkjs's `zkey verify` checked before the keys were accepted (they are never accepted
   * unchecked):
   * - `from-r1cs` (`verifyFromR1cs`): snarkjs made the initial key again from the circuit's r1cs
   *   and the ptau, then checked the contribution chain and the final key against it and the ptau.
   * - `from-init` (`verifyFromInit`): the initial key was made by Lifeboat's native groth16 setup
   *   (prover/setup/native-zkey.ts, byte-identical to snarkjs's, which test/setup/native-zkey.test.ts
   *   establishes), and snarkjs checked the contribution chain and the final key against that
   *   initial key and the ptau. `lifeboat audit` still runs `verifyFromR1cs` independently.
   */
  readonly zkeyVerification: ZkeyVerification;
}

/** How the zkey of a setup was checked: see `SetupProvenance.zkeyVerification`. */
export type ZkeyVerification = "from-r1cs" | "from-init";

/**
 * A provenance.json as read from the cache. Keys made before `zkeyVerification` existed recorded
 * `zkeyVerified: true`, which meant snarkjs's `verifyFromR1cs`.
 */
function provenanceOf(file: string, json: string): SetupProvenance {
  const read = JSON.parse(json) as Omit<SetupProvenance, "zkeyVerification"> & { zkeyVerification?: ZkeyVerification; zkeyVerified?: boolean };
  if (read.zkeyVerification !== undefined) return read as SetupProvenance;
  const { zkeyVerified, ...rest } = read;
  if (zkeyVerified !== true) throw new LifeboatError(`${file} records no zkey verification (zkeyVerification)`);
  return { ...rest, zkeyVerification: "from-r1cs" };
}

/** The Groth16 keys of one compiled circuit and what was derived from them, as held in the setup cache. */
export interface CircuitKeys {
  /** The cache directory that holds the files below. */
  readonly directory: string;
  /** Path of the proving key. */
  readonly zkey: string;
  /** Path of verification_key.json. */
  readonly verificationKeyFile: string;
  readonly verificationKey: VerificationKey;
  /** Source text of the Solidity verifier snarkjs exported from the zkey. */
  readonly verifierSource: string;
  /** That verifier compiled with the pinned solc. */
  readonly verifier: CompiledContract;
  readonly provenance: SetupProvenance;
}

/**
 * The warning shown wherever keys from the development ceremony are used: its randomness was
 * made on this machine, so whoever kept it can forge proofs.
 */
export const DEVELOPMENT_SETUP_WARNING =
  "DEVELOPMENT TRUSTED SETUP: keys from a ceremony made on this machine; whoever kept its randomness can forge proofs. Use --ptau with a public ceremony file and a real phase-2 ceremony for production.";

type Log = (line: string) => void;

function snarkLogger(log: Log): snarkjs.Logger {
  const quiet = (): void => undefined;
  return { debug: quiet, info: quiet, warn: (message) => log(`snarkjs: ${message}`), error: (message) => log(`snarkjs: ${message}`) };
}

/** Returns a usable powers-of-tau: the given public file, or the cached development one (made on demand). */
export async function ensurePtau(log: Log, externalPtau?: string): Promise<PtauProvenance> {
  if (externalPtau !== undefined) {
    const file = path.resolve(externalPtau);
    if (!(await exists(file))) throw new LifeboatError(`--ptau file ${file} does not exist`);
    const power = await readPtauPower(file);
    const sha256 = await sha256File(file);
    let sections: number[];
    try {
      sections = await sectionIds(file, "ptau");
    } catch (error) {
      throw new LifeboatError(`--ptau file ${file} is not usable: ${(error as Error).message}`);
    }
    if (sections.includes(12)) return { kind: "external", file, sha256, power, steps: ["supplied with --ptau"] };
    return prepareExternalPtau(file, sha256, power, log);
  }
  const directory = path.join(cacheRoot(), "ptau");
  const file = path.join(directory, `dev-pot${DEV_PTAU_POWER}.ptau`);
  const infoFile = `${file}.json`;
  return withLock(path.join(directory, "build.lock"), async () => {
    if ((await exists(file)) && (await exists(infoFile))) {
      return JSON.parse(await fs.readFile(infoFile, "utf8")) as PtauProvenance;
    }
    const work = path.join(directory, "work");
    let steps: string[];
    if (developmentPtauAvailable()) {
      log(`making the development powers of tau (2^${DEV_PTAU_POWER}) natively; it is cached in ${directory}`);
      await makeDevelopmentPtau(DEV_PTAU_POWER, file, { work, name: "lifeboat development", log });
      steps = [
        "new bn128",
        "one contribution: tau, alpha and beta drawn from the operating system's CSPRNG, the points computed natively, imported with snarkjs powersoftau import response; the secrets were never written",
        "prepare phase2 from the same secrets (byte-identical to snarkjs powersoftau prepare phase2)",
      ];
    } else {
      log(
        `making the development powers of tau (2^${DEV_PTAU_POWER}) with snarkjs (no native addon); this takes about 7 minutes once, then it is cached in ${directory}`,
      );
      await fs.rm(work, { recursive: true, force: true });
      await fs.mkdir(work, { recursive: true });
      const curve = await snarkjs.curves.getCurveFromName("bn128");
      const logger = snarkLogger(log);
      await snarkjs.powersOfTau.newAccumulator(curve, DEV_PTAU_POWER, path.join(work, "0.ptau"), logger);
      log("  powers of tau: contribution");
      await snarkjs.powersOfTau.contribute(
        path.join(work, "0.ptau"),
        path.join(work, "1.ptau"),
        "lifeboat development",
        randomBytes(64).toString("hex"),
        logger,
      );
      // No beacon: after one contribution made on this machine it would add nothing anyone else could vouch for.
      log("  powers of tau: prepare phase 2 (the long step)");
      await snarkjs.powersOfTau.preparePhase2(path.join(work, "1.ptau"), path.join(work, "final.ptau"), logger);
      await fs.rename(path.join(work, "final.ptau"), file);
      await fs.rm(work, { recursive: true, force: true });
      steps = ["new bn128", "contribute (64 random bytes, discarded)", "prepare phase2"];
    }
    const provenance: PtauProvenance = { kind: "development", file, sha256: await sha256File(file), power: DEV_PTAU_POWER, steps };
    await writeFileAtomic(infoFile, JSON.stringify(provenance, null, 2));
    return provenance;
  });
}

/**
 * A public ceremony's phase-1 file (no phase-2 sections: snarkjs's contribute or beacon output)
 * prepared once into the cache: natively when the addon is built (byte-identical to snarkjs's
 * `powersoftau prepare phase2`, so an auditor holding the original file gets the same bytes with
 * snarkjs), snarkjs otherwise. The provenance names the prepared file and records the original.
 */
async function prepareExternalPtau(original: string, originalSha256: string, power: number, log: Log): Promise<PtauProvenance> {
  const directory = path.join(cacheRoot(), "ptau");
  const file = path.join(directory, `prepared-${originalSha256.slice(0, 16)}.ptau`);
  const native = nativePhase2Available();
  await withLock(path.join(directory, "build.lock"), async () => {
    if (await exists(file)) return;
    log(`--ptau ${original} holds phase 1 only: preparing phase 2 once${native ? " (native FFTs)" : " with snarkjs"}, cached in ${directory}`);
    const temporary = `${file}.tmp-${process.pid}`;
    try {
      if (native) await preparePhase2Native(original, temporary);
      else await snarkjs.powersOfTau.preparePhase2(original, temporary, snarkLogger(log));
      await fs.rename(temporary, file);
    } finally {
      await fs.rm(temporary, { force: true });
    }
  });
  return {
    kind: "external",
    file,
    sha256: await sha256File(file),
    power,
    steps: [
      `supplied with --ptau: ${original} (sha256 ${originalSha256}), phase 1 only`,
      "prepare phase2 (byte-identical to snarkjs powersoftau prepare phase2)",
    ],
  };
}

/** The power recorded in a ptau file's header (section 1: n8, q, power). */
async function readPtauPower(file: string): Promise<number> {
  const handle = await fs.open(file, "r");
  try {
    const header = Buffer.alloc(64);
    await handle.read(header, 0, 64, 0);
    if (header.subarray(0, 4).toString("latin1") !== "ptau") throw new LifeboatError(`${file} is not a powers-of-tau file`);
    // magic(4) version(4) nSections(4), then section 1: type(4) size(8) n8(4) q(n8) power(4)
    const n8 = header.readUInt32LE(24);
    return header.readUInt32LE(28 + n8);
  } finally {
    await handle.close();
  }
}

/**
 * Phase 2 for one compiled circuit: groth16 setup (native when the addon carries gCombine, else
 * snarkjs's), one contribution with fresh randomness, `zkey verify` (from the initial key after
 * the native setup, from the r1cs otherwise: `SetupProvenance.zkeyVerification`), then the
 * verification key and the Solidity verifier (exported by snarkjs, never edited, compiled with the
 * pinned solc). Cached per circuit digest and ptau digest.
 *
 * No beacon follows the contribution: phase 2 here is one contribution made on this machine, so
 * a beacon after it would add no randomness anyone else could vouch for. A production phase 2 is
 * a public ceremony run elsewhere.
 */
export async function ensureKeys(circuit: CompiledCircuit, ptau: PtauProvenance, log: Log): Promise<CircuitKeys> {
  const needed = Math.ceil(Math.log2(circuit.constraints + circuit.instance.publicSignals.length + 2));
  if (needed > ptau.power) {
    throw new LifeboatError(
      `circuit ${circuit.instance.id} has ${circuit.constraints} constraints and needs a 2^${needed} powers of tau; ${ptau.file} is 2^${ptau.power}`,
    );
  }
  const directory = path.join(
    cacheRoot(),
    "keys",
    // The ptau's kind is part of the key: provenance (development or not) is recorded with the keys.
    `${circuit.instance.id}-${circuit.sourceDigest.slice(0, 16)}-${ptau.kind}-${ptau.sha256.slice(0, 16)}`,
  );
  const files = {
    zkey: path.join(directory, "circuit.zkey"),
    verificationKeyFile: path.join(directory, "verification_key.json"),
    verifierSourceFile: path.join(directory, "Groth16Verifier.sol"),
    verifierFile: path.join(directory, "Groth16Verifier.json"),
    provenanceFile: path.join(directory, "provenance.json"),
  };
  return withLock(`${directory}.lock`, async () => {
    if (!(await exists(files.provenanceFile))) {
      await buildKeys(circuit, ptau, directory, log);
    }
    return {
      directory,
      zkey: files.zkey,
      verificationKeyFile: files.verificationKeyFile,
      verificationKey: JSON.parse(await fs.readFile(files.verificationKeyFile, "utf8")) as VerificationKey,
      verifierSource: await fs.readFile(files.verifierSourceFile, "utf8"),
      verifier: JSON.parse(await fs.readFile(files.verifierFile, "utf8")) as CompiledContract,
      provenance: provenanceOf(files.provenanceFile, await fs.readFile(files.provenanceFile, "utf8")),
    };
  });
}

async function buildKeys(circuit: CompiledCircuit, ptau: PtauProvenance, directory: string, log: Log): Promise<void> {
  const id = circuit.instance.id;
  const logger = snarkLogger(log);
  const temporary = `${directory}.tmp`;
  await fs.rm(temporary, { recursive: true, force: true });
  await fs.mkdir(temporary, { recursive: true });
  const at = (name: string): string => path.join(temporary, name);
  const native = nativeZKeyAvailable();
  log(`trusted setup for ${id}: groth16 setup${native ? " (native)" : ""}`);
  if (native) await newZKeyNative(circuit.r1cs, ptau.file, at("0.zkey"));
  else await snarkjs.zKey.newZKey(circuit.r1cs, ptau.file, at("0.zkey"), logger);
  log(`trusted setup for ${id}: contribution`);
  await snarkjs.zKey.contribute(at("0.zkey"), at("circuit.zkey"), "lifeboat development", randomBytes(64).toString("hex"), logger);
  const zkeyVerification: ZkeyVerification = native ? "from-init" : "from-r1cs";
  log(`trusted setup for ${id}: zkey verify (${zkeyVerification})`);
  const ptauSource = (await ptauForVerification(ptau.file)).source;
  const verified = native
    ? await snarkjs.zKey.verifyFromInit(at("0.zkey"), ptauSource, at("circuit.zkey"), logger)
    : await snarkjs.zKey.verifyFromR1cs(circuit.r1cs, ptauSource, at("circuit.zkey"), logger);
  if (!verified) throw new LifeboatError(`zkey verify failed for ${id}: the phase-2 key does not match the circuit and ptau`);
  await fs.rm(at("0.zkey"));

  const verificationKey = await snarkjs.zKey.exportVerificationKey(at("circuit.zkey"));
  const verificationKeyJson = JSON.stringify(verificationKey, null, 2);
  await fs.writeFile(at("verification_key.json"), verificationKeyJson);
  const verifierSource = await verifierSourceOf(verificationKey);
  await fs.writeFile(at("Groth16Verifier.sol"), verifierSource);
  await fs.writeFile(at("Groth16Verifier.json"), JSON.stringify(compileSolidity("Groth16Verifier.sol", verifierSource, "Groth16Verifier"), null, 2));

  const provenance: SetupProvenance = {
    development: ptau.kind === "development",
    circuit: id,
    circuitDigest: circuit.sourceDigest,
    constraints: circuit.constraints,
    ptau,
    zkeySha256: await sha256File(at("circuit.zkey")),
    verificationKeySha256: sha256Hex(verificationKeyJson),
    phase2: [
      native ? "groth16 setup (native, byte-identical to snarkjs's)" : "groth16 setup",
      "contribute (64 random bytes, discarded)",
      "no beacon (one local contribution: a beacon would add nothing)",
      native ? "zkey verify from the initial key" : "zkey verify from the r1cs",
    ],
    zkeyVerification,
  };
  await fs.writeFile(at("provenance.json"), JSON.stringify(provenance, null, 2));
  await fs.rm(directory, { recursive: true, force: true });
  await fs.rename(temporary, directory);
}

/**
 * The Solidity verifier exactly as snarkjs exports it from a zkey: its template rendered with the
 * zkey's verification key (one renderer, `verifierSourceOf`, serves the setup, users and audits).
 */
export async function exportVerifierSource(zkey: string): Promise<string> {
  return verifierSourceOf(await snarkjs.zKey.exportVerificationKey(zkey));
}
