import { Contract } from "ethers";

import { ARTIFACTS_DIRECTORY } from "../../artifacts";
import { loadVerificationKey, WHERE_TO_GET_ARTIFACTS } from "../../artifacts";
import { besideFile, besideFolder } from "../../artifacts";
import { checkInclusion } from "../../chain";
import { assertVerifierOfKey } from "../../chain";
import { parseDeployment } from "../../chain";
import { LifeboatError } from "../../errors";
import { loadPoseidon } from "../../hash";
import { parseClaimPackage } from "../../snapshot";
import { CHAIN_OPTIONS, connect } from "../chain-options";
import { readJsonFile } from "../files";
import { tokenAmount } from "../format";
import { findManifests } from "../manifests";
import { defineCommand, JSON_OPTION, opt } from "../options";
import { output } from "../output";
import { describeView, snapshotView, viewJson, type SnapshotView } from "../vault-view";

/** Exit codes of check and status: 1 when something is wrong (object now), 3 when all is right but no claim can be made now. */
export const EXIT_OBJECT = 1;
export const EXIT_CANNOT_CLAIM = 3;

/** A check that did not pass; `exitCode` says which kind (main.ts exits with it). */
export class CheckFailed extends LifeboatError {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = "CheckFailed";
  }
}

const UINT256_MAX = (1n << 256n) - 1n;
const COMMON = {
  deployment: opt.path("FILE", "deployment.json of the vault").require(),
  "snapshot-id": opt.integer("N", "the snapshot's id in the vault", 1n, UINT256_MAX).require(),
};

/** What is wrong with a snapshot for everyone (object), and why nobody can claim now. */
function snapshotFindings(view: SnapshotView): { object: string[]; cannotClaim: string[] } {
  const { status, now } = view;
  const object: string[] = [];
  const cannotClaim: string[] = [];
  if (status.state === "vetoed") object.push("the proposal was vetoed: it will never pay");
  if (status.state === "proposed" || status.state === "expired") {
    status.assets.forEach((asset, k) => {
      if (asset.funded < asset.declared)
        object.push(
          `asset ${k} ${view.assets[k]!.symbol} is funded ${asset.funded} of the ${asset.declared} base units its proposal declares (coverage ${view.assets[k]!.coverage})`,
        );
    });
  }
  if (status.state === "proposed")
    cannotClaim.push(now < status.vetoDeadline ? "not finalized yet (the veto window is open)" : "not finalized yet (anyone can run lifeboat finalize)");
  if (status.state === "expired") cannotClaim.push("the proposal expired without being finalized");
  if (status.state === "active" && now > status.claimDeadline) cannotClaim.push("the claim window is over");
  if (view.paused) cannotClaim.push("the vault is paused");
  return { object, cannotClaim };
}

function verdict(object: readonly string[], cannotClaim: readonly string[]): void {
  if (object.length > 0) throw new CheckFailed(`OBJECT: ${object.join("; ")} — ask the guardians to veto (or do not rely on this snapshot)`, EXIT_OBJECT);
  if (cannotClaim.length > 0) throw new CheckFailed(`no claim can be made now: ${cannotClaim.join("; ")}`, EXIT_CANNOT_CLAIM);
}

export const status = defineCommand({
  name: "status",
  summary: "a snapshot's state: deadlines, funding, coverage, paid, remaining",
  description: `Shows a snapshot's state (proposed, vetoed, finalized, expired; paused), its deadlines in UTC with the
time left (paused time included), its sweep recipient and manifest, and per asset the tree total, the
declared funding, what was funded (coverage), paid and what remains, in token units. Exit code 0 when
claims are open and nothing is wrong; 1 when something is wrong (vetoed, funded below the
declaration); 3 when nothing is wrong but no claim can be made now (not finalized yet, paused,
expired, claim window over).`,
  options: { ...COMMON, ...CHAIN_OPTIONS, ...JSON_OPTION },
  async run(values, usage) {
    const deployment = parseDeployment(await readJsonFile(values.deployment, "--deployment file"), `--deployment file ${values.deployment}`);
    const { chain } = await connect(values, false, usage);
    const view = await snapshotView(chain.provider, deployment, values["snapshot-id"]);
    const { object, cannotClaim } = snapshotFindings(view);
    output(values.json, { ...viewJson(view), problems: object, cannotClaim }, () => [
      `snapshot ${values["snapshot-id"]} of vault ${deployment.vault} (chain ${deployment.chainId})`,
      ...describeView(view),
    ]);
    verdict(object, cannotClaim);
  },
});

export const check = defineCommand({
  name: "check",
  summary: "check your claim package against the snapshot on chain",
  description: `A user's self-check, best run during the veto window. Your claim package must open to the root and
per-asset totals proposed on chain, in the same asset order as the proposal's tokens; the proposal
must name the deployment's verifier for your circuit with the code rebuilt here from the snapshot's
published verification key; every asset must be funded to its declaration. Prints the snapshot's
state and deadlines, your expected payout per asset (balance × funded / total) and whether your
account already claimed. Exit code 0 when all holds and you can claim now; 1 when something is wrong
(ask the guardians to veto in time: wrong root or totals, swapped tokens, vetoed, underfunded,
wrong verifier); 3 when all is right but you cannot claim now (not finalized yet, paused, expired,
claim window over, already claimed).`,
  options: {
    claim: opt.path("FILE", "your claim package (claims/<account>.json)").require(),
    ...COMMON,
    manifest: opt.location("FILE|URL", "the published manifest (default: manifest.json beside the claims/ folder)"),
    artifacts: opt.location("DIR|URL", "the published artifacts folder (default: artifacts/ beside the manifest)"),
    ...CHAIN_OPTIONS,
    ...JSON_OPTION,
  },
  async run(values, usage) {
    const claim = parseClaimPackage(await readJsonFile(values.claim, "--claim file"), `claim package ${values.claim}`);
    const deployment = parseDeployment(await readJsonFile(values.deployment, "--deployment file"), `--deployment file ${values.deployment}`);
    const snapshotId = values["snapshot-id"];
    const { chain } = await connect(values, false, usage);
    const view = await snapshotView(chain.provider, deployment, snapshotId);
    const { object, cannotClaim } = snapshotFindings(view);
    const poseidon = await loadPoseidon();
    let included = true;
    try {
      await checkInclusion(chain.provider, deployment, snapshotId, claim, (inputs) => poseidon.hash(inputs));
    } catch (error) {
      if (!(error instanceof LifeboatError)) throw error;
      included = false;
      object.unshift(error.message);
    }
    view.assets.forEach((asset, k) => {
      const name = claim.assets[k];
      if (name !== undefined && asset.symbol.toUpperCase() !== name.toUpperCase()) {
        object.push(
          `the proposal's asset ${k} is the token ${asset.symbol} (${view.status.assets[k]!.token}), your package's asset ${k} is ${name}${claim.assets.some((a) => a.toUpperCase() === asset.symbol.toUpperCase()) ? ": the tokens are swapped" : ""}`,
        );
      }
    });
    if (included) {
      // The verifier on chain must be the one of the published verification key this package names.
      const manifests = await findManifests({ explicit: values.manifest, beside: [besideFolder(besideFile(values.claim, "."), "manifest.json")] });
      const artifacts = values.artifacts ?? (manifests[0] === undefined ? undefined : besideFile(manifests[0].location, ARTIFACTS_DIRECTORY));
      if (artifacts === undefined)
        throw new LifeboatError(
          `checking the verifier on chain needs the snapshot's proving artifacts, and none were given or found: ${WHERE_TO_GET_ARTIFACTS}`,
        );
      try {
        const verificationKey = await loadVerificationKey(artifacts, [
          { digests: claim.artifacts, source: `the claim package ${values.claim}` },
          ...manifests.map((m) => ({ digests: m.manifest.setup.artifacts, source: `the manifest ${m.location}` })),
        ]);
        await assertVerifierOfKey(chain.provider, view.status.verifier, verificationKey, claim.circuit);
      } catch (error) {
        if (!(error instanceof LifeboatError)) throw error;
        object.push(error.message);
      }
    }
    const claimed = (await new Contract(deployment.vault, ["function isClaimed(uint256,address) view returns (bool)"], chain.provider).getFunction("isClaimed")(
      snapshotId,
      claim.account,
    )) as boolean;
    if (claimed) cannotClaim.push(`${claim.account} has already claimed`);
    const payouts = view.status.assets.map((asset, k) => {
      const balance = BigInt(claim.balances[k] ?? "0");
      return {
        balance,
        expected: asset.total === 0n ? 0n : (balance * asset.funded) / asset.total,
        atDeclared: asset.total === 0n ? 0n : (balance * asset.declared) / asset.total,
      };
    });
    const units = (k: number, value: bigint): string => tokenAmount(value, view.assets[k]!.decimals, view.assets[k]!.symbol);
    output(
      values.json,
      {
        account: claim.account,
        included,
        claimed,
        snapshot: viewJson(view),
        payouts: payouts.map((p, k) => ({ asset: claim.assets[k], ...p })),
        problems: object,
        cannotClaim,
      },
      () => [
        `${included ? "included" : "NOT INCLUDED"}: ${claim.account} holds ${claim.balances.map((balance, k) => (view.assets[k] === undefined ? `${balance} ${claim.assets[k]}` : units(k, BigInt(balance)))).join(", ")} in snapshot ${snapshotId} (${view.stateName})`,
        `already claimed:   ${claimed ? "yes" : "no"}`,
        ...payouts.map(
          (p, k) =>
            `expected payout:   ${view.assets[k] === undefined ? "-" : units(k, p.expected)} (balance × funded / total)${view.status.state === "proposed" && p.atDeclared !== p.expected ? `; ${units(k, p.atDeclared)} once funded to the declaration` : ""}`,
        ),
        ...describeView(view),
      ],
    );
    verdict(object, cannotClaim);
  },
});

export const statusCommand = status.run.bind(status);
export const checkCommand = check.run.bind(check);
