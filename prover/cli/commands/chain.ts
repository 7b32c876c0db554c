import { Contract, getAddress, type Provider } from "ethers";

import { writeFileAtomic, exists } from "../../fs-atomic";
import { LifeboatError } from "../../errors";
import { deployLifeboat, manifestDigest, parseDeployment, type Deployment } from "../../chain";
import { parseProofFile } from "../../proof";
import { parseManifest, type Manifest } from "../../snapshot";
import { ARTIFACTS_DIRECTORY } from "../../artifacts";
import { besideFile } from "../../artifacts";
import { assertVerifierCode, readPublishedVerifier, type VerifierBuild } from "../../chain";
import { UsageError } from "../args";
import { CHAIN_OPTIONS, connect } from "../chain-options";
import { readInputFile, readJsonFile } from "../files";
import { percent, tokenAmount, when } from "../format";
import { defineCommand, JSON_OPTION, opt, type Command, type Opt } from "../options";
import { output } from "../output";
import { carryOut, SEND_OPTIONS, type PlannedCall } from "../plan";
import { log } from "../progress";
import { ERC20, snapshotView, tokenMetadata, vaultInterface } from "../vault-view";

const UINT256_MAX = (1n << 256n) - 1n;
const DEPLOYMENT = { deployment: opt.path("FILE", "deployment.json from lifeboat deploy").require() };
const SNAPSHOT_ID = { "snapshot-id": opt.integer("N", "the snapshot's id in the vault", 1n, UINT256_MAX).require() };

async function readDeployment(file: string): Promise<Deployment> {
  return parseDeployment(await readJsonFile(file, "--deployment file"), `--deployment file ${file}`);
}

export const deploy = defineCommand({
  name: "deploy",
  summary: "deploy the hasher, a RecoveryVault and a verifier",
  description: `Deploys the Poseidon(5) hasher, a RecoveryVault (the signer becomes its admin and proposer) and, for
each published artifacts folder, its Groth16 verifier exactly as published (Groth16Verifier.json,
checked against the folder's artifacts.json); writes the addresses and the guardians to FILE. The
artifacts come from lifeboat setup --out DIR or lifeboat snapshot --out DIR (DIR/artifacts).`,
  options: {
    out: opt.path("FILE", "deployment.json to write (must not exist)").require(),
    artifacts: opt.paths("DIR[,DIR..]", "the published artifacts folder(s), comma-separated, one per circuit").require(),
    "veto-window-hours": opt
      .count("H", "how long a proposal waits for vetoes before it can be finalized (the vault enforces 24 to 720)", 24, 720)
      .default(72, "72"),
    guardian: opt.addresses("ADDR[,ADDR..]", "who may veto and pause, comma-separated (one flag; repeating it is an error); default: the signer"),
    ...CHAIN_OPTIONS,
    "dry-run": opt.flag("print what would be deployed and granted, and send nothing"),
    ...JSON_OPTION,
  },
  async run(values, usage) {
    if (await exists(values.out)) throw new LifeboatError(`--out ${values.out} already exists (nothing was deployed)`);
    const verifiers: VerifierBuild[] = [];
    for (const folder of values.artifacts) {
      const published = await readPublishedVerifier(folder);
      if (verifiers.some((v) => v.circuit === published.circuit)) throw new UsageError(`--artifacts names two folders for circuit ${published.circuit}`, usage);
      if (published.index.ceremony.development)
        log(`WARNING: deploying the verifier of ${published.circuit} from a DEVELOPMENT trusted setup: for testing only`);
      verifiers.push(published);
    }
    if (values["dry-run"]) {
      const plan = {
        dryRun: true,
        steps: [
          "deploy Poseidon(5) hasher",
          `deploy RecoveryVault(admin = signer, hasher, vetoWindow = ${values["veto-window-hours"] * 3600} s)`,
          "grantRole(PROPOSER_ROLE, signer)",
          ...(values.guardian ?? ["signer"]).map((g) => `grantRole(GUARDIAN_ROLE, ${g})`),
          ...verifiers.map((v) => `deploy verifier ${v.circuit}`),
        ],
      };
      return output(values.json, plan, () => ["plan (dry run; nothing was sent):", ...plan.steps.map((step, i) => `${i + 1}. ${step}`)]);
    }
    const { chain, signer } = await connect(values, true, usage);
    if (chain.inProcess)
      throw new LifeboatError(
        "refusing to deploy on an in-process chain: it ends with this command, and the deployment file would name contracts that no longer exist (run lifeboat node and pass --rpc)",
      );
    const { deployment, gas } = await deployLifeboat(signer!, verifiers, {
      vetoWindow: BigInt(values["veto-window-hours"]) * 3600n,
      ...(values.guardian === undefined ? {} : { guardians: values.guardian }),
    });
    await writeFileAtomic(values.out, `${JSON.stringify(deployment, null, 2)}\n`);
    for (const [step, used] of Object.entries(gas)) log(`${step}: ${used} gas`);
    output(values.json, deployment, () => [
      `deployed on chain ${deployment.chainId}; written to ${values.out}`,
      `vault:     ${deployment.vault}`,
      `hasher:    ${deployment.hasher}`,
      ...Object.entries(deployment.verifiers).map(([circuit, address]) => `verifier:  ${address} (${circuit})`),
      `guardians: ${(deployment.guardians ?? []).join(", ")}`,
    ]);
  },
});

/**
 * The token checks of publish: one token per manifest asset, in its order, each answering
 * symbol() with the manifest's asset name (case-insensitive) and decimals().
 */
async function checkTokens(
  provider: Provider,
  manifest: Manifest,
  tokens: readonly string[],
  allowMismatch: boolean,
): Promise<{ symbol: string; decimals: number | undefined }[]> {
  const metas = await Promise.all(tokens.map((token) => tokenMetadata(provider, token)));
  for (const [k, token] of tokens.entries()) {
    if ((await provider.getCode(token)) === "0x")
      throw new LifeboatError(`--tokens[${k}] ${token} (for ${manifest.assets[k]}) is not a contract on this chain`);
  }
  const symbols = metas.map((m) => m.symbol?.toUpperCase());
  const wanted = manifest.assets.map((a) => a.toUpperCase());
  const wrong = wanted.flatMap((asset, k) => (symbols[k] === asset ? [] : [k]));
  if (wrong.length > 0) {
    const swapped = wanted.every((asset) => symbols.includes(asset));
    const detail = wrong
      .map((k) => `--tokens[${k}] ${tokens[k]} is ${metas[k]!.symbol ?? "a token without symbol()"}, the manifest's asset ${k} is ${manifest.assets[k]}`)
      .join("; ");
    const message = swapped
      ? `the tokens are in the wrong order: the manifest's assets are ${manifest.assets.join(",")}, the tokens' symbols ${metas.map((m) => m.symbol).join(",")}: ${detail}`
      : `the tokens do not match the manifest's assets: ${detail}`;
    if (swapped || !allowMismatch)
      throw new LifeboatError(`${message}${swapped ? "" : " (if the token is right and only its symbol differs, pass --allow-symbol-mismatch)"}`);
    log(`WARNING: ${message} (accepted by --allow-symbol-mismatch)`);
  }
  return metas.map((m, k) => ({ symbol: m.symbol ?? manifest.assets[k]!, decimals: m.decimals }));
}

export const publish = defineCommand({
  name: "publish",
  summary: "propose and fund a snapshot from a manifest",
  description: `Proposes the manifest's snapshot to the vault (root, per-asset totals, verifier of its circuit, the
manifest's sha256, the snapshot block, the declared funding) and funds every asset. Claims open after
the veto window, when anyone runs lifeboat finalize, and only if every asset is funded to its
declaration. Refused unless the deployment's verifier has exactly the code of the snapshot's
published verifier, the tokens answer the manifest's asset names as symbol() in its order, and
(unless --allow-underfunded) each asset is funded now to its declaration and the declaration covers
at least 1 % of the asset's total. With --safe-tx the batch is propose, then approve and fund per
asset: the Safe must hold the proposer role and the tokens.`,
  options: {
    ...DEPLOYMENT,
    manifest: opt.path("FILE", "the snapshot's manifest.json (its exact bytes are attested)").require(),
    ...SNAPSHOT_ID,
    "snapshot-block": opt.integer("N", "the block whose state the snapshot records", 0n, (1n << 64n) - 1n).require(),
    tokens: opt.addresses("ADDR[,ADDR..]", "ERC-20 addresses, one per manifest asset, in its order (checked against symbol())").require(),
    amounts: opt
      .amounts("X[,Y..]", "the recovered amount per asset in base units, each at most the asset's total: declared on chain (finalize requires all of it)", 1n)
      .require(),
    fund: opt.amounts("X[,Y..]", "what to fund now per asset in base units (default: the --amounts); less needs --allow-underfunded and a later lifeboat fund"),
    "sweep-to": opt.address("ADDR", "who receives what is left after the claim window (fixed now)").require(),
    uri: opt.text("URI", "where the manifest is published").default("", "none"),
    "claim-days": opt.count("N", "length of the claim window in days from finalization, 30 to 3650", 30, 3650).default(90, "90"),
    artifacts: opt.path("DIR", "the snapshot's artifacts folder (default: artifacts/ beside the manifest)"),
    "allow-underfunded": opt.flag("accept funding now below the declaration, or a declaration below 1 % of an asset's total"),
    "allow-symbol-mismatch": opt.flag("accept tokens whose symbol() differs from the manifest's asset name (never a permutation of them)"),
    ...SEND_OPTIONS,
    ...JSON_OPTION,
  },
  async run(values, usage) {
    const deployment = await readDeployment(values.deployment);
    const manifestBytes = await readInputFile(values.manifest, "--manifest file");
    const manifest = parseManifest(await readJsonFile(values.manifest, "--manifest file"), `--manifest file ${values.manifest}`);
    const { tokens, amounts } = values;
    const fund = values.fund ?? amounts;
    const n = manifest.assets.length;
    if (tokens.length !== n || amounts.length !== n || fund.length !== n) {
      throw new UsageError(
        `the manifest has ${n} assets (${manifest.assets.join(", ")}): give as many --tokens, --amounts${values.fund === undefined ? "" : " and --fund"} (got ${tokens.length}, ${amounts.length}${values.fund === undefined ? "" : `, ${fund.length}`})`,
        usage,
      );
    }
    const problems: string[] = [];
    amounts.forEach((amount, k) => {
      const total = BigInt(manifest.totals[k]!);
      if (amount > total)
        throw new LifeboatError(
          `--amounts[${k}] (${manifest.assets[k]}) is ${amount}, above the asset's total ${total} in the manifest (a recovery never pays more than the snapshot holds)`,
        );
      if (fund[k]! > amount) throw new LifeboatError(`--fund[${k}] (${manifest.assets[k]}) is ${fund[k]}, above its declaration ${amount}`);
      if (amount * 100n < total) problems.push(`${manifest.assets[k]}: the declaration ${amount} covers ${percent(amount, total)} of the total ${total}`);
      if (fund[k]! < amount)
        problems.push(
          `${manifest.assets[k]}: funding ${fund[k]} now is below the declaration ${amount} (finalize refuses until lifeboat fund adds ${amount - fund[k]!})`,
        );
    });
    if (manifest.setup.development) log("WARNING: this manifest was made with the DEVELOPMENT trusted setup");
    const artifacts = values.artifacts ?? besideFile(values.manifest, ARTIFACTS_DIRECTORY);
    const { build: publishedVerifier } = await readPublishedVerifier(artifacts, [
      { digests: manifest.setup.artifacts, source: `the manifest ${values.manifest}` },
    ]);
    const verifier = deployment.verifiers[manifest.circuit];
    if (verifier === undefined)
      throw new LifeboatError(
        `the deployment has no verifier for circuit ${manifest.circuit}; deploy one with lifeboat deploy --artifacts <the snapshot's artifacts/>`,
      );
    let symbols = manifest.assets.map((asset) => ({ symbol: asset, decimals: undefined as number | undefined }));
    if (values.rpc !== undefined) {
      const { chain } = await connect(values, false, usage);
      const chainId = (await chain.provider.getNetwork()).chainId.toString();
      if (chainId !== deployment.chainId) throw new LifeboatError(`the deployment is on chain ${deployment.chainId}, the RPC endpoint serves chain ${chainId}`);
      await assertVerifierCode(
        chain.provider,
        verifier,
        publishedVerifier.deployedBytecode,
        `the verifier of this snapshot's published artifacts (${manifest.circuit})`,
      );
      refuseUnderfunded(problems, values["allow-underfunded"]);
      symbols = await checkTokens(chain.provider, manifest, tokens, values["allow-symbol-mismatch"]);
    } else if (values["safe-tx"] !== undefined || values["dry-run"]) {
      refuseUnderfunded(problems, values["allow-underfunded"]);
      log(
        `warning: without --rpc neither the verifier ${verifier} nor the tokens' symbols were checked against the chain: the Safe's owners should run lifeboat publish --dry-run --rpc … and lifeboat audit before signing`,
      );
    } else {
      await connect(values, false, usage);
    }
    const vault = await vaultInterface();
    const proposal = {
      root: manifest.root,
      totals: manifest.totals,
      tokens,
      declaredFunding: amounts,
      verifier,
      claimPeriod: BigInt(values["claim-days"]) * 86_400n,
      sweepRecipient: values["sweep-to"],
      snapshotBlock: values["snapshot-block"],
      manifestDigest: manifestDigest(manifestBytes),
      uri: values.uri,
    };
    const id = values["snapshot-id"];
    const calls: PlannedCall[] = [{ to: deployment.vault, target: "the vault", contract: vault, method: "propose", args: [id, proposal] }];
    tokens.forEach((token, k) => {
      const name = `token ${symbols[k]!.symbol}`;
      calls.push({ to: token, target: name, contract: ERC20, method: "approve", args: [deployment.vault, fund[k]!] });
      calls.push({
        to: deployment.vault,
        target: `the vault (fund asset ${k}, ${symbols[k]!.symbol})`,
        contract: vault,
        method: "fund",
        args: [id, k, fund[k]!],
      });
    });
    for (const [k, asset] of manifest.assets.entries()) {
      log(
        `asset ${k} ${asset}: declared ${tokenAmount(amounts[k]!, symbols[k]!.decimals, symbols[k]!.symbol)} of ${tokenAmount(BigInt(manifest.totals[k]!), symbols[k]!.decimals, symbols[k]!.symbol)} (coverage ${percent(amounts[k]!, BigInt(manifest.totals[k]!))}), funded now ${tokenAmount(fund[k]!, symbols[k]!.decimals, symbols[k]!.symbol)}`,
      );
    }
    const receipts = await carryOut(
      calls,
      {
        values,
        usage,
        chainId: deployment.chainId,
        name: `Lifeboat: propose and fund snapshot ${id}`,
        description: `Proposes snapshot ${id} (root ${manifest.root}, manifest sha256 ${proposal.manifestDigest}) to the vault ${deployment.vault} and funds ${n} asset(s).`,
      },
      async () => {
        const { signer } = await connect(values, true, usage);
        const from = await signer!.getAddress();
        for (const [k, token] of tokens.entries()) {
          const balance = (await new Contract(token, ERC20, signer).getFunction("balanceOf")(from)) as bigint;
          if (balance < fund[k]!)
            throw new LifeboatError(
              `the signer ${from} holds ${tokenAmount(balance, symbols[k]!.decimals, symbols[k]!.symbol)}, less than the ${tokenAmount(fund[k]!, symbols[k]!.decimals, symbols[k]!.symbol)} to fund (nothing was sent)`,
            );
        }
        return signer!;
      },
    );
    if (receipts === undefined) return;
    const event = receipts[0]!.logs.map((entry) => vault.parseLog(entry)).find((parsed) => parsed?.name === "SnapshotProposed");
    const vetoDeadline = event!.args[2] as bigint;
    output(values.json, { snapshotId: id, vetoDeadline, vault: deployment.vault, chainId: deployment.chainId }, () => [
      `snapshot ${id} proposed to vault ${deployment.vault} on chain ${deployment.chainId}: guardians may veto until ${when(vetoDeadline)}; then anyone runs lifeboat finalize`,
    ]);
  },
});

function refuseUnderfunded(problems: readonly string[], allowed: boolean): void {
  if (problems.length > 0 && !allowed)
    throw new LifeboatError(`refusing an underfunded proposal (pass --allow-underfunded if this is intended): ${problems.join("; ")}`);
  for (const problem of problems) log(`WARNING: ${problem}`);
}

/** A command that sends one vault call, built from the deployment and its values. */
function vaultAction(spec: {
  name: string;
  summary: string;
  description: string;
  options: Record<string, Opt<unknown, boolean>>;
  call: (values: Record<string, unknown>) => { method: string; args: unknown[]; what: string; done: string };
}): Command {
  return defineCommand({
    name: spec.name,
    summary: spec.summary,
    description: spec.description,
    options: { ...DEPLOYMENT, ...spec.options, ...SEND_OPTIONS, ...JSON_OPTION },
    async run(parsed, usage) {
      const values = parsed as unknown as Parameters<typeof carryOut>[1]["values"] & { deployment: string };
      const deployment = await readDeployment(values.deployment);
      const { method, args, what, done } = spec.call(parsed as Record<string, unknown>);
      const receipts = await carryOut([{ to: deployment.vault, target: "the vault", contract: await vaultInterface(), method, args }], {
        values,
        usage,
        chainId: deployment.chainId,
        name: `Lifeboat: ${what}`,
        description: `${what[0]!.toUpperCase()}${what.slice(1)} (vault ${deployment.vault}).`,
      });
      if (receipts !== undefined)
        output(values.json, { done: method, vault: deployment.vault, transaction: receipts[0]!.hash }, () => [`${done} (${receipts[0]!.hash})`]);
    },
  });
}

const asId = (values: Record<string, unknown>): bigint => values["snapshot-id"] as bigint;

export const finalize = vaultAction({
  name: "finalize",
  summary: "open claims once the veto window has passed",
  description:
    "Opens claims for a proposal whose veto window has passed without a veto and whose every asset is funded\nto its declaration (anyone may run it).",
  options: SNAPSHOT_ID,
  call: (v) => ({
    method: "finalize",
    args: [asId(v)],
    what: `finalize snapshot ${asId(v)}`,
    done: `snapshot ${asId(v)} finalized: claims are open (lifeboat status shows until when)`,
  }),
});

export const veto = vaultAction({
  name: "veto",
  summary: "a guardian vetoes a proposal in its window",
  description:
    "A guardian's veto of a proposal during its veto window; the reason goes on chain. A vetoed proposal\ncan never be finalized; its funding can be swept to its sweep recipient (lifeboat sweep).",
  options: { ...SNAPSHOT_ID, reason: opt.text("TEXT", "why (for the record)").require() },
  call: (v) => ({
    method: "veto",
    args: [asId(v), v["reason"]],
    what: `veto snapshot ${asId(v)}: ${String(v["reason"])}`,
    done: `snapshot ${asId(v)} vetoed: ${String(v["reason"])}`,
  }),
});

export const pause = vaultAction({
  name: "pause",
  summary: "a guardian pauses the vault (no funding, finalize, claims or sweeps)",
  description:
    "A guardian pauses the vault: no funding, finalize, claims or sweeps until governance unpauses it.\nTime spent paused never counts against a snapshot's windows.",
  options: {},
  call: () => ({ method: "pause", args: [], what: "pause the vault", done: "vault paused" }),
});

export const unpause = vaultAction({
  name: "unpause",
  summary: "governance (the vault's admin) unpauses the vault",
  description: "Governance (DEFAULT_ADMIN_ROLE, typically a timelock or Safe) unpauses the vault; every window\nis extended by the time spent paused.",
  options: {},
  call: () => ({ method: "unpause", args: [], what: "unpause the vault", done: "vault unpaused" }),
});

export const setVetoWindow = vaultAction({
  name: "set-veto-window",
  summary: "governance sets the veto window of future proposals",
  description:
    "Governance (DEFAULT_ADMIN_ROLE) sets the veto window of proposals made from now on (the vault\nenforces 24 to 720 hours); proposals already made keep theirs.",
  options: { hours: opt.count("H", "the new veto window in hours, 24 to 720", 24, 720).require() },
  call: (v) => ({
    method: "setVetoWindow",
    args: [BigInt(v["hours"] as number) * 3600n],
    what: `set the veto window to ${String(v["hours"])} hours`,
    done: `veto window set to ${String(v["hours"])} hours for future proposals`,
  }),
});

export const sweep = vaultAction({
  name: "sweep",
  summary: "send what a closed snapshot holds to its sweep recipient",
  description:
    "A proposer sends what is left of a snapshot to the sweep recipient fixed at proposal: once it is\nvetoed or expired, or after its claim window. Refused while claims are open.",
  options: SNAPSHOT_ID,
  call: (v) => ({ method: "sweep", args: [asId(v)], what: `sweep snapshot ${asId(v)}`, done: `snapshot ${asId(v)} swept to its sweep recipient` }),
});

export const fundCommandSpec = defineCommand({
  name: "fund",
  summary: "top up a proposed snapshot's funding",
  description:
    "Adds funding to one asset of a proposed snapshot (anyone may): approve, then the vault's fund. The\nfunding may not exceed the asset's tree total; finalize needs every asset funded to its declaration.",
  options: {
    ...DEPLOYMENT,
    ...SNAPSHOT_ID,
    asset: opt.count("K", "the asset's index in the snapshot (0 for the first)", 0, 3).require(),
    amount: opt.integer("X", "how much to add, in base units", 1n, UINT256_MAX).require(),
    ...SEND_OPTIONS,
    ...JSON_OPTION,
  },
  async run(values, usage) {
    const deployment = await readDeployment(values.deployment);
    const vault = await vaultInterface();
    const id = values["snapshot-id"];
    let token: string | undefined;
    let label = `asset ${values.asset}`;
    if (values.rpc !== undefined) {
      const { chain } = await connect(values, false, usage);
      const view = await snapshotView(chain.provider, deployment, id);
      const asset = view.status.assets[values.asset];
      if (asset === undefined) throw new LifeboatError(`snapshot ${id} has ${view.status.assets.length} asset(s): --asset ${values.asset} is out of range`);
      if (view.status.state !== "proposed") throw new LifeboatError(`snapshot ${id} is ${view.stateName}: only a proposed snapshot can be funded`);
      if (asset.funded + values.amount > asset.total)
        throw new LifeboatError(
          `funding ${values.amount} would bring asset ${values.asset} to ${asset.funded + values.amount}, above its tree total ${asset.total}`,
        );
      token = asset.token;
      label = `${label} ${view.assets[values.asset]!.symbol}`;
      log(
        `${label}: funded ${tokenAmount(asset.funded, view.assets[values.asset]!.decimals, view.assets[values.asset]!.symbol)} of the declared ${tokenAmount(asset.declared, view.assets[values.asset]!.decimals, view.assets[values.asset]!.symbol)}; adding ${tokenAmount(values.amount, view.assets[values.asset]!.decimals, view.assets[values.asset]!.symbol)}`,
      );
    }
    if (token === undefined)
      throw new UsageError("lifeboat fund reads the asset's token from the vault: give --rpc URL (with --safe-tx and --dry-run too)", usage);
    const receipts = await carryOut(
      [
        { to: token, target: `token of ${label}`, contract: ERC20, method: "approve", args: [deployment.vault, values.amount] },
        { to: deployment.vault, target: "the vault", contract: vault, method: "fund", args: [id, values.asset, values.amount] },
      ],
      {
        values,
        usage,
        chainId: deployment.chainId,
        name: `Lifeboat: fund snapshot ${id}`,
        description: `Adds ${values.amount} base units to ${label} of snapshot ${id} (vault ${deployment.vault}).`,
      },
    );
    if (receipts !== undefined)
      output(values.json, { snapshotId: id, asset: values.asset, amount: values.amount, transaction: receipts[1]!.hash }, () => [
        `funded ${label} of snapshot ${id} with ${values.amount} base units`,
      ]);
  },
});

export const claim = defineCommand({
  name: "claim",
  summary: "submit a proof.json to the vault",
  description: `Submits a proof.json to the vault. Anyone may submit it: the vault pays the account in the proof.
With --to, the payout goes to another address; only the account itself may do that. --to is refused
when it is the vault or one of the snapshot's tokens (the payout would be lost), and when it is any
other contract unless --to-contract says it can use the tokens (a Safe, an exchange deposit).`,
  options: {
    ...DEPLOYMENT,
    proof: opt.path("FILE", "proof.json from lifeboat prove (for this vault, chain and snapshot)").require(),
    to: opt.address("ADDR", "redirect the payout (the signer must be the account)"),
    "to-contract": opt.flag("allow --to to be a contract (never the vault or a snapshot token)"),
    ...SEND_OPTIONS,
    ...JSON_OPTION,
  },
  async run(values, usage) {
    const deployment = await readDeployment(values.deployment);
    const proof = parseProofFile(await readJsonFile(values.proof, "--proof file"), `proof file ${values.proof}`);
    if (proof.chainId !== deployment.chainId || getAddress(proof.vault) !== getAddress(deployment.vault)) {
      throw new LifeboatError(
        `the proof is for vault ${proof.vault} on chain ${proof.chainId}, not ${deployment.vault} on chain ${deployment.chainId}: prove again for this vault`,
      );
    }
    if (values["to-contract"] && values.to === undefined) throw new UsageError("--to-contract is only used with --to", usage);
    const snapshotId = BigInt(proof.snapshotId);
    if (values.rpc !== undefined || (values["safe-tx"] === undefined && !values["dry-run"])) {
      const { chain } = await connect(values, false, usage);
      const view = await snapshotView(chain.provider, deployment, snapshotId);
      if (values.to !== undefined) {
        const to = values.to;
        if (to === getAddress(deployment.vault)) throw new LifeboatError(`--to ${to} is the vault itself: the payout would be lost`);
        const tokenIndex = view.status.assets.findIndex((asset) => getAddress(asset.token) === to);
        if (tokenIndex >= 0)
          throw new LifeboatError(
            `--to ${to} is the token contract of ${view.assets[tokenIndex]!.symbol}: tokens sent to it are lost (give your own wallet's address)`,
          );
        if ((await chain.provider.getCode(to)) !== "0x" && !values["to-contract"]) {
          throw new LifeboatError(
            `--to ${to} is a contract: if it can use the tokens (a Safe, an exchange deposit), pass --to-contract; otherwise give your wallet's address`,
          );
        }
      }
      const claimed = (await new Contract(deployment.vault, ["function isClaimed(uint256,address) view returns (bool)"], chain.provider).getFunction(
        "isClaimed",
      )(snapshotId, proof.account)) as boolean;
      if (claimed) throw new LifeboatError(`${proof.account} has already claimed from snapshot ${snapshotId} (nothing was sent)`);
    } else if (values.to !== undefined) {
      log(`warning: without --rpc, --to ${values.to} was not checked (a token or other contract there would lose the payout)`);
    }
    const vault = await vaultInterface();
    const { pA, pB, pC, pubSignals } = proof.calldata;
    const call: PlannedCall =
      values.to === undefined
        ? { to: deployment.vault, target: "the vault", contract: vault, method: "claim", args: [proof.snapshotId, pA, pB, pC, pubSignals] }
        : { to: deployment.vault, target: "the vault", contract: vault, method: "claimTo", args: [proof.snapshotId, pA, pB, pC, pubSignals, values.to] };
    const receipts = await carryOut([call], {
      values,
      usage,
      chainId: deployment.chainId,
      name: `Lifeboat: claim for ${proof.account}`,
      description: `Claims snapshot ${proof.snapshotId} for ${proof.account}.`,
    });
    if (receipts === undefined) return;
    const event = receipts[0]!.logs
      .map((entry) => {
        try {
          return vault.parseLog(entry);
        } catch {
          return null;
        }
      })
      .find((parsed) => parsed?.name === "Claimed");
    const payouts = [...(event!.args[3] as bigint[])];
    output(
      values.json,
      { account: proof.account, recipient: values.to ?? proof.account, payouts, gasUsed: receipts[0]!.gasUsed, transaction: receipts[0]!.hash },
      () => [
        `claimed for ${proof.account} in ${receipts[0]!.hash}: paid ${payouts.join(", ")} base units to ${values.to ?? proof.account} (lifeboat status shows them in token units)`,
      ],
    );
  },
});

export const deployCommand = deploy.run.bind(deploy);
export const publishCommand = publish.run.bind(publish);
export const finalizeCommand = finalize.run.bind(finalize);
export const vetoCommand = veto.run.bind(veto);
export const pauseCommand = pause.run.bind(pause);
export const claimCommand = claim.run.bind(claim);
