import { ARTIFACTS_DIRECTORY } from "../../artifacts";
import { loadVerificationKey } from "../../artifacts";
import { besideFile } from "../../artifacts";
import { LifeboatError } from "../../errors";
import { loadPoseidon } from "../../hash";
import { verifyProofFile } from "../../proof";
import { parseProofFile } from "../../proof";
import { defineCommand, JSON_OPTION, opt } from "../options";
import { output } from "../output";
import { readJsonFile } from "../files";
import { readManifest } from "../manifests";

export const verify = defineCommand({
  name: "verify",
  summary: "check a proof.json; exit 0 only if valid",
  description: `Checks a proof.json as the vault would: its public signals must be exactly the snapshot commitment
of its root, totals, chain, vault and snapshot id, its account and its amounts; its root and totals
must be the manifest's; and the Groth16 proof must verify against the snapshot's published
verification key (checked against the sha256 the manifest names; never a key made on this machine).
Exits 0 only for a valid proof.`,
  options: {
    proof: opt.path("FILE", "the proof.json to check").require(),
    manifest: opt.location("FILE|URL", "the snapshot's published manifest").require(),
    artifacts: opt.location("DIR|URL", "the snapshot's published artifacts folder (default: artifacts/ beside the manifest)"),
    ...JSON_OPTION,
  },
  async run(values) {
    const file = parseProofFile(await readJsonFile(values.proof, "--proof file"), `proof file ${values.proof}`);
    const { manifest, location } = await readManifest(values.manifest, "--manifest");
    if (manifest.circuit !== file.circuit) {
      throw new LifeboatError(`INVALID proof: it is for circuit ${file.circuit}, the manifest ${location} for ${manifest.circuit}`);
    }
    const artifacts = values.artifacts ?? besideFile(location, ARTIFACTS_DIRECTORY);
    const verificationKey = await loadVerificationKey(artifacts, [{ digests: manifest.setup.artifacts, source: `the manifest ${location}` }]);
    const poseidon = await loadPoseidon();
    const outcome = await verifyProofFile(file, (inputs) => poseidon.hash(inputs), verificationKey, {
      root: manifest.root,
      totals: manifest.totals,
      source: "manifest",
    });
    if (!outcome.valid) throw new LifeboatError(`INVALID proof: ${outcome.reason}`);
    output(
      values.json,
      { valid: true, account: file.account, amounts: file.amounts, snapshotId: file.snapshotId, vault: file.vault, chainId: file.chainId },
      () => [
        `valid: ${file.account} may claim ${file.amounts.join(", ")} (base units, in the manifest's asset order ${manifest.assets.join(", ")}) from snapshot ${file.snapshotId} of vault ${file.vault} on chain ${file.chainId}`,
      ],
    );
  },
});

export const verifyCommand = verify.run.bind(verify);
