import * as snarkjs from "snarkjs";

// The one helper the worker needs, from its own small module (the whole browser entry would add ~117 kB).
import { sha256Of } from "../../prover/artifacts/url";
import type { ArtifactRequest, ProveRequest, WorkerMessage } from "./protocol";

/**
 * The proving worker: downloads the published artifacts, refuses any whose sha256 is not the one
 * the claim package and the manifest name, proves with snarkjs and verifies the proof before
 * handing it back. It runs off the page's thread, so the page stays responsive while it works.
 */
const scope = self as unknown as { postMessage(message: WorkerMessage): void; onmessage: ((event: MessageEvent<ProveRequest>) => void) | null };

const post = (message: WorkerMessage): void => scope.postMessage(message);

async function download(artifact: ArtifactRequest): Promise<Uint8Array<ArrayBuffer>> {
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
    post({ type: "progress", step: `downloading ${artifact.name}`, done, total });
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

scope.onmessage = (event) => {
  const request = event.data;
  void (async () => {
    try {
      const started = performance.now();
      const [wasm, zkey, vk] = await Promise.all([download(request.wasm), download(request.zkey), download(request.verificationKey)]);
      const downloadMs = performance.now() - started;
      post({ type: "progress", step: "proving" });
      const proving = performance.now();
      const witness: snarkjs.FileRef = { type: "mem" };
      await snarkjs.wtns.calculate(request.input, wasm, witness);
      const { proof, publicSignals } = await snarkjs.groth16.prove(zkey, witness);
      const proveMs = performance.now() - proving;
      post({ type: "progress", step: "verifying" });
      const key = JSON.parse(new TextDecoder().decode(vk)) as snarkjs.VerificationKey;
      if (!(await snarkjs.groth16.verify(key, publicSignals, proof)))
        throw new Error("The proof just made does not verify against the published verification key; it was not sent.");
      post({
        type: "proved",
        proof: proof as never,
        publicSignals: publicSignals.map(String),
        downloadedBytes: wasm.length + zkey.length + vk.length,
        downloadMs,
        proveMs,
      });
    } catch (error) {
      post({ type: "failed", message: (error as Error).message ?? String(error) });
    }
  })();
};
