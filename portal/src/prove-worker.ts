import * as snarkjs from "snarkjs";

// What the worker needs, from their own small modules (the whole browser entry would add ~117 kB).
import { sha256Of } from "../../prover/artifacts/url";
import { WasmGroth16Prover } from "../../prover/proof/groth16-wasm";
import { msmCurve } from "../../prover/proof/wasm-msm";
import type { ArtifactRequest, PrepareRequest, ProvingFiles, ProveRequest, WorkerMessage, WorkerRequest } from "./protocol";

/**
 * The proving worker: downloads the published artifacts, refuses any whose sha256 is not the one
 * the claim package and the manifest name, proves (circom's witness generator, then
 * `WasmGroth16Prover`: snarkjs's mathematics with the zkey parsed once and both cores busy) and
 * verifies the proof before handing it back. It runs off the page's thread, so the page stays responsive while it works.
 *
 * The page keeps one worker and may ask it to `prepare` as soon as a claim can be made: the
 * downloads, the sha256 checks, the parsing of the zkey and the curve (ffjavascript's WebAssembly
 * and its threads) are then done before the user asks for the proof, and a `prove` with the same files reuses them. A
 * preparation that failed is forgotten, so the next request downloads again.
 */
const scope = self as unknown as { postMessage(message: WorkerMessage): void; onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null };

const post = (message: WorkerMessage): void => scope.postMessage(message);

/** What a preparation leaves ready for proofs: the checked files, the parsed key, the curve. */
interface Prepared {
  readonly wasm: Uint8Array;
  readonly prover: WasmGroth16Prover;
  readonly verificationKey: snarkjs.VerificationKey;
  readonly downloadedBytes: number;
  readonly downloadMs: number;
}

async function download(waiting: ReadonlySet<number>, artifact: ArtifactRequest): Promise<Uint8Array<ArrayBuffer>> {
  let response: Response;
  try {
    response = await fetch(artifact.url);
  } catch (error) {
    throw new Error(`The proving file ${artifact.name} could not be downloaded from ${artifact.url} (${(error as Error).message}).`, { cause: error });
  }
  if (!response.ok) throw new Error(`The proving file ${artifact.name} could not be downloaded from ${artifact.url} (HTTP ${response.status}).`);
  const total = Number(response.headers.get("content-length") ?? "0");
  const reader = response.body!.getReader();
  const chunks: Uint8Array[] = [];
  let done = 0;
  for (;;) {
    const next = await reader.read();
    if (next.done) break;
    chunks.push(next.value);
    done += next.value.length;
    for (const id of waiting) post({ type: "progress", id, step: `downloading ${artifact.name}`, done, total });
  }
  const bytes = new Uint8Array(done);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  const actual = await sha256Of(bytes);
  if (actual !== artifact.sha256) {
    throw new Error(
      `The proving file ${artifact.name} from ${artifact.url} is not the one this snapshot published (sha256 ${actual}, expected ${artifact.sha256}). Nothing was proved; download it from the operator's site or a mirror you trust.`,
    );
  }
  return bytes;
}

async function load(waiting: ReadonlySet<number>, files: ProvingFiles): Promise<Prepared> {
  const started = performance.now();
  // The curve (WebAssembly built in JavaScript, with Lifeboat's MSM functions, two threads started) is
  // CPU work: it overlaps the downloads. snarkjs's verify then finds it cached and uses it too.
  const curve = msmCurve();
  curve.catch(() => undefined); // awaited below, after the downloads; a failed download must not leave it unhandled
  const [wasm, zkey, vk] = await Promise.all([download(waiting, files.wasm), download(waiting, files.zkey), download(waiting, files.verificationKey)]);
  const downloadMs = performance.now() - started;
  let verificationKey: snarkjs.VerificationKey;
  try {
    verificationKey = JSON.parse(new TextDecoder().decode(vk)) as snarkjs.VerificationKey;
  } catch {
    throw new Error(`The proving file ${files.verificationKey.name} is not JSON.`);
  }
  await curve;
  return { wasm, prover: await WasmGroth16Prover.create(zkey), verificationKey, downloadedBytes: wasm.length + zkey.length + vk.length, downloadMs };
}

/** The current preparation, for one set of files (their URLs and digests), and the requests waiting on it. */
let current: { readonly key: string; readonly prepared: Promise<Prepared>; readonly waiting: Set<number> } | undefined;

/** The preparation for these files: the current one if it is for them, else a new one. */
function prepare(id: number, files: ProvingFiles): Promise<Prepared> {
  const key = JSON.stringify([files.wasm, files.zkey, files.verificationKey]);
  if (current?.key === key) {
    current.waiting.add(id);
    return current.prepared;
  }
  const waiting = new Set([id]);
  const prepared = load(waiting, files);
  current = { key, prepared, waiting };
  prepared.catch(() => {
    if (current?.prepared === prepared) current = undefined;
  });
  return prepared;
}

async function onPrepare(request: PrepareRequest): Promise<void> {
  const started = performance.now();
  const ready = await prepare(request.id, request);
  post({
    type: "prepared",
    id: request.id,
    downloadedBytes: ready.downloadedBytes,
    downloadMs: ready.downloadMs,
    prepareMs: performance.now() - started,
  });
}

async function onProve(request: ProveRequest): Promise<void> {
  const requested = performance.now();
  const ready = await prepare(request.id, request);
  const started = performance.now();
  post({ type: "progress", id: request.id, step: "proving" });
  const witness: { type: "mem"; data?: Uint8Array } = { type: "mem" };
  await snarkjs.wtns.calculate(request.input, ready.wasm, witness);
  const witnessed = performance.now();
  const { proof, publicSignals } = await ready.prover.prove(witness.data!);
  const proved = performance.now();
  post({ type: "progress", id: request.id, step: "verifying" });
  if (!(await snarkjs.groth16.verify(ready.verificationKey, publicSignals, proof)))
    throw new Error("The proof just made does not verify against the published verification key; it was not sent.");
  const verified = performance.now();
  post({
    type: "proved",
    id: request.id,
    proof: proof as never,
    publicSignals: publicSignals.map(String),
    downloadedBytes: ready.downloadedBytes,
    downloadMs: ready.downloadMs,
    prepareMs: started - requested,
    witnessMs: witnessed - started,
    groth16Ms: proved - witnessed,
    verifyMs: verified - proved,
    proveMs: verified - started,
  });
}

scope.onmessage = (event) => {
  const request = event.data;
  (request.type === "prepare" ? onPrepare(request) : onProve(request)).catch((error: unknown) => {
    post({ type: "failed", id: request.id, message: (error as Error).message ?? String(error) });
  });
};
