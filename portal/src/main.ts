import { BrowserProvider, JsonRpcProvider, formatUnits, getAddress, hexlify, isAddress, toUtf8Bytes, type Provider } from "ethers";
import { SiweMessage } from "siwe";

// Lifeboat's browser entry (lifeboat/browser): no Node built-ins, Poseidon in plain TypeScript.
import {
  ARTIFACT_FILES,
  browserHash as poseidon,
  checkClaimPackage,
  claimCircuitInput,
  claimContext,
  parseClaimPackage,
  toCalldata,
  type ClaimPackage,
} from "../../prover/browser";
import type { ArtifactRequest, ProveRequest, ProvingFiles, WorkerMessage, WorkerRequest } from "./protocol";
import { claimedPayouts, claimRefusal, expectedPayouts, explainRevert, readVault, utc, vaultContract, type VaultView } from "./vault";

/** An injected EIP-1193 wallet. */
interface Eip1193 {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
  on?(event: string, listener: (...args: unknown[]) => void): void;
}

interface PortalConfig {
  chainId: string;
  vault: string;
  snapshotId: string;
  circuit?: string;
  domain?: string;
  origin?: string;
  rpc: string | null;
  artifacts?: Record<string, { url: string; sha256: string; size: number }>;
}

const PROVING_FILES = [ARTIFACT_FILES.wasm, ARTIFACT_FILES.zkey, ARTIFACT_FILES.verificationKey] as const;

/**
 * The worker's code, fetched once when the page loads and kept in memory: proving must still work
 * after the operator's server has gone away.
 */
let workerSource: Promise<string> | undefined;
function loadWorkerSource(): Promise<string> {
  workerSource ??= fetch(new URL("worker.js", import.meta.url)).then(async (response) => {
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return URL.createObjectURL(new Blob([await response.text()], { type: "text/javascript" }));
  });
  return workerSource;
}

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

const state: {
  config?: PortalConfig;
  /** Where the proving files are fetched from when the server is not there. */
  artifactsUrl?: string;
  online: boolean;
  wallet?: Eip1193;
  account?: string;
  claim?: ClaimPackage;
  view?: VaultView;
  claimed?: boolean | undefined;
} = { online: false };

function say(message: string): void {
  $("message").textContent = message;
}

function chainId(): bigint {
  return BigInt(state.config!.chainId);
}

function reader(): Provider {
  const config = state.config!;
  if (config.rpc !== null && config.rpc !== "") return new JsonRpcProvider(config.rpc, Number(config.chainId), { staticNetwork: true });
  if (state.wallet !== undefined) return new BrowserProvider(state.wallet as never, Number(config.chainId));
  throw new Error("Connect your wallet (or enter a chain RPC URL in the settings) to read the vault.");
}

function amount(value: bigint, decimals: number, symbol: string): string {
  return `${formatUnits(value, decimals)} ${symbol}`;
}

// ---- settings ------------------------------------------------------------------------------

function fillSettings(): void {
  const config = state.config;
  if (config === undefined) return;
  $<HTMLInputElement>("chain-id").value = config.chainId;
  $<HTMLInputElement>("vault").value = config.vault;
  $<HTMLInputElement>("snapshot-id").value = config.snapshotId;
  $<HTMLInputElement>("rpc").value = config.rpc ?? "";
  $<HTMLInputElement>("artifacts-url").value = state.artifactsUrl ?? new URL("artifacts/", location.href).toString();
}

function applySettings(): void {
  const chain = $<HTMLInputElement>("chain-id").value.trim();
  const vault = $<HTMLInputElement>("vault").value.trim();
  const snapshotId = $<HTMLInputElement>("snapshot-id").value.trim();
  const rpc = $<HTMLInputElement>("rpc").value.trim();
  const artifactsUrl = $<HTMLInputElement>("artifacts-url").value.trim();
  if (!/^[1-9][0-9]*$/.test(chain)) return say(`The network must be a chain id such as 1 (Ethereum); "${chain}" is not one.`);
  if (!isAddress(vault)) return say(`The vault address "${vault}" is not an Ethereum address.`);
  if (!/^[1-9][0-9]*$/.test(snapshotId)) return say(`The snapshot id must be a number such as 1; "${snapshotId}" is not one.`);
  if (rpc !== "" && !/^https?:\/\//.test(rpc)) return say(`The RPC URL must start with https:// or http://; "${rpc}" does not.`);
  if (!/^https?:\/\//.test(artifactsUrl)) return say(`The proving files URL must start with https:// or http://; "${artifactsUrl}" does not.`);
  state.config = { chainId: chain, vault: getAddress(vault), snapshotId, rpc: rpc === "" ? null : rpc };
  state.artifactsUrl = artifactsUrl.endsWith("/") ? artifactsUrl : `${artifactsUrl}/`;
  state.online = false;
  say("");
  void refresh();
}

// ---- chain state ---------------------------------------------------------------------------

/** The states in which a snapshot will not pay (any more): no claim step, no expected payout. */
const NEVER_PAYS = new Set(["vetoed", "expired", "none", "closed"]);

function describeState(view: VaultView): { key: string; text: string } {
  if (view.state === "proposed")
    return { key: "proposed", text: `Proposed: in its veto window until ${utc(view.vetoDeadline)}. Claims open after that. Check your amounts now.` };
  if (view.state === "vetoed") return { key: "vetoed", text: "Vetoed: the guardians refused this snapshot. It will never pay." };
  if (view.state === "expired") return { key: "expired", text: "Expired: this snapshot was never opened for claims. It will never pay." };
  if (view.state === "none") return { key: "none", text: "This vault has no such snapshot." };
  if (view.paused)
    return {
      key: "paused",
      text: `Paused: the guardians stopped claims for now. Claims stay open until at least ${utc(view.claimDeadline)}; the deadline moves later for as long as the pause lasts.`,
    };
  if (view.now > view.claimDeadline) return { key: "closed", text: `Closed: claims ended on ${utc(view.claimDeadline)}. Nothing can be claimed any more.` };
  return { key: "active", text: `Active: claims are open until ${utc(view.claimDeadline)}.` };
}

async function refresh(): Promise<void> {
  if (state.config === undefined) return;
  let view: VaultView;
  try {
    const provider = reader();
    view = await readVault(provider, state.config.vault, BigInt(state.config.snapshotId));
    if (state.claim !== undefined)
      state.claimed = (await vaultContract(state.config.vault, provider).getFunction("isClaimed")(
        BigInt(state.config.snapshotId),
        state.claim.account,
      )) as boolean;
  } catch (error) {
    $("snapshot-state").dataset["state"] = "unknown";
    $("snapshot-state").textContent = `The vault cannot be read: ${(error as Error).message}`;
    return;
  }
  state.view = view;
  const described = describeState(view);
  const stateLine = $("snapshot-state");
  stateLine.dataset["state"] = state.claimed === true ? "claimed" : described.key;
  stateLine.textContent = state.claimed === true ? `${described.text} This account has claimed its share.` : described.text;
  // A snapshot that will never pay offers no claim step at all (a pause only disables it).
  $("claim-section").hidden = NEVER_PAYS.has(described.key);
  $("assets")
    .querySelector("tbody")!
    .replaceChildren(
      ...view.assets.map((asset) =>
        row([asset.symbol, amount(asset.total, asset.decimals, ""), amount(asset.funded, asset.decimals, ""), amount(asset.paid, asset.decimals, "")]),
      ),
    );
  renderPackage();
}

function row(cells: string[]): HTMLTableRowElement {
  const tr = document.createElement("tr");
  for (const cell of cells) {
    const td = document.createElement("td");
    td.textContent = cell;
    tr.append(td);
  }
  return tr;
}

// ---- the package ---------------------------------------------------------------------------

function renderPackage(): void {
  const claim = state.claim;
  const view = state.view;
  if (claim === undefined) return;
  $("package").hidden = false;
  $("package-account").textContent = claim.account;
  const balances = claim.balances.map(BigInt);
  const payouts = view === undefined || NEVER_PAYS.has(describeState(view).key) ? undefined : expectedPayouts(view, balances);
  const amounts = $("amounts").querySelector("tbody")!;
  amounts.dataset["payouts"] = payouts?.join(",") ?? "";
  amounts.replaceChildren(
    ...claim.assets.map((name, k) => {
      const asset = view?.assets[k];
      const decimals = asset?.decimals ?? 0;
      const symbol = asset?.symbol ?? name;
      return row([symbol, amount(balances[k]!, decimals, symbol), payouts === undefined ? "-" : amount(payouts[k]!, decimals, symbol)]);
    }),
  );
  if (view === undefined) return;
  // What `lifeboat check` does: the package must open to the root and totals on chain.
  const check = $("check");
  try {
    checkClaimPackage(poseidon, claim, { root: view.root.toString(), totals: view.assets.map((asset) => asset.total.toString()), source: "snapshot on chain" });
    check.dataset["ok"] = "true";
    check.textContent =
      view.state === "proposed"
        ? `Your package matches the snapshot proposed on chain: these amounts are in it. If they are wrong, tell the guardians before ${utc(view.vetoDeadline)}.`
        : "Your package matches the snapshot on chain.";
  } catch (error) {
    check.dataset["ok"] = "false";
    check.textContent =
      view.state === "proposed"
        ? `Your package does NOT match the snapshot proposed on chain (${(error as Error).message}). Tell the guardians before ${utc(view.vetoDeadline)} so they can veto it.`
        : `This package is not for this snapshot (${(error as Error).message}).`;
  }
  const refusal = claimRefusal(view, state.claimed === true);
  if (refusal !== undefined) say(refusal);
  $<HTMLButtonElement>("claim").disabled = refusal !== undefined || check.dataset["ok"] !== "true";
  if (!$<HTMLButtonElement>("claim").disabled) prepareProver(claim);
}

function loadPackage(raw: unknown, from: string): void {
  let claim: ClaimPackage;
  try {
    claim = parseClaimPackage(raw, from);
    checkClaimPackage(poseidon, claim);
  } catch (error) {
    say(`This is not a valid Lifeboat claim package: ${(error as Error).message}`);
    return;
  }
  if (state.config?.circuit !== undefined && claim.circuit !== state.config.circuit) {
    say(`This claim package is for another snapshot (circuit ${claim.circuit}, this portal serves ${state.config.circuit}).`);
    return;
  }
  state.claim = claim;
  state.claimed = undefined;
  say("");
  void refresh();
}

// ---- wallet and sign-in --------------------------------------------------------------------

async function connect(): Promise<void> {
  const wallet = (window as unknown as { ethereum?: Eip1193 }).ethereum;
  if (wallet === undefined) return say("No wallet was found in this browser. Install a wallet extension, or open this page in your wallet app's browser.");
  state.wallet = wallet;
  try {
    const accounts = (await wallet.request({ method: "eth_requestAccounts" })) as string[];
    state.account = getAddress(accounts[0]!);
  } catch (error) {
    return say(explainRevert(error));
  }
  $("account").textContent = `Connected: ${state.account}`;
  if (!(await ensureChain())) return;
  $<HTMLButtonElement>("sign-in").disabled = !state.online;
  say("");
  await refresh();
}

/** Asks the wallet to switch to the vault's network; says so in words when it is not on it. */
async function ensureChain(): Promise<boolean> {
  const wallet = state.wallet!;
  const wanted = chainId();
  let current = BigInt((await wallet.request({ method: "eth_chainId" })) as string);
  if (current !== wanted) {
    try {
      await wallet.request({ method: "wallet_switchEthereumChain", params: [{ chainId: `0x${wanted.toString(16)}` }] });
      current = BigInt((await wallet.request({ method: "eth_chainId" })) as string);
    } catch {
      // refused or unknown network: said below
    }
  }
  if (current !== wanted) {
    say(`Your wallet is on the wrong network (chain ${current}). This vault is on chain ${wanted}: switch your wallet to it and try again.`);
    return false;
  }
  return true;
}

async function signIn(): Promise<void> {
  const config = state.config!;
  if (state.account === undefined || state.wallet === undefined) return say("Connect your wallet first.");
  if (!(await ensureChain())) return;
  try {
    const nonceResponse = await fetch("api/nonce");
    if (!nonceResponse.ok) return say(await serverRefusal(nonceResponse));
    const { nonce } = (await nonceResponse.json()) as { nonce: string };
    const now = new Date();
    const message = new SiweMessage({
      domain: config.domain!,
      address: state.account,
      statement: "Sign in to receive your Lifeboat claim package. This is not a transaction and costs nothing.",
      uri: `${config.origin!}/`,
      version: "1",
      chainId: Number(config.chainId),
      nonce,
      issuedAt: now.toISOString(),
      expirationTime: new Date(now.getTime() + 10 * 60_000).toISOString(),
    }).prepareMessage();
    const signature = (await state.wallet.request({ method: "personal_sign", params: [hexlify(toUtf8Bytes(message)), state.account] })) as string;
    const response = await fetch("api/claim", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message, signature }),
    });
    if (!response.ok) return say(await serverRefusal(response));
    loadPackage(await response.json(), "the server's claim package");
  } catch (error) {
    say(explainRevert(error));
  }
}

async function serverRefusal(response: Response): Promise<string> {
  if (response.status === 401) return "There is no claim package for this account: it is not in this snapshot (or your wallet's signature was not accepted).";
  if (response.status === 429) return "Too many attempts from your connection. Wait a minute and try again.";
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  return `The server refused the sign-in: ${body.error ?? `HTTP ${response.status}`}. Reload the page and try again.`;
}

// ---- prove and claim -----------------------------------------------------------------------

function artifactRequests(claim: ClaimPackage): Record<(typeof PROVING_FILES)[number], ArtifactRequest> {
  const entries = PROVING_FILES.map((name) => {
    const expected = claim.artifacts[name];
    if (expected === undefined) throw new Error(`The claim package does not name the proving file ${name}.`);
    const published = state.config?.artifacts?.[name];
    if (state.online && published !== undefined) {
      if (published.sha256 !== expected)
        throw new Error(
          `The server's ${name} (sha256 ${published.sha256}) is not the one your package names (${expected}): the package is not of this snapshot.`,
        );
      return [name, { name, url: new URL(published.url, location.href).toString(), sha256: expected }] as const;
    }
    return [name, { name, url: new URL(name, state.artifactsUrl ?? new URL("artifacts/", location.href).toString()).toString(), sha256: expected }] as const;
  });
  return Object.fromEntries(entries) as Record<(typeof PROVING_FILES)[number], ArtifactRequest>;
}

/** The page's one proving worker, kept between proofs (it holds the checked files and the curve). */
let prover: { readonly worker: Promise<Worker>; readonly listeners: Map<number, (message: WorkerMessage) => void> } | undefined;
let nextRequest = 0;
/** The files the worker was last asked to prepare (a JSON key), so a re-render does not ask again. */
let preparing: string | undefined;

function proverWorker(): NonNullable<typeof prover> {
  if (prover !== undefined) return prover;
  const listeners = new Map<number, (message: WorkerMessage) => void>();
  const worker = loadWorkerSource().then(
    (source) => {
      const created = new Worker(source, { type: "module" });
      created.onmessage = (event: MessageEvent<WorkerMessage>) => listeners.get(event.data.id)?.(event.data);
      created.onerror = (event) => {
        // A broken worker is replaced on the next request; every request waiting on it fails.
        created.terminate();
        if (prover?.listeners === listeners) prover = undefined;
        preparing = undefined;
        const message = `The proving worker failed: ${event.message ?? "it did not start"}. Reload the page and try again.`;
        for (const [id, listener] of listeners) listener({ type: "failed", id, message });
      };
      return created;
    },
    (error: unknown) => {
      if (prover?.listeners === listeners) prover = undefined;
      throw new Error(`The prover could not be loaded (${(error as Error).message}). Reload the page and try again.`);
    },
  );
  prover = { worker, listeners };
  return prover;
}

/** Sends one request to the worker; `listener` sees its messages until it returns true (done). */
function request(message: WorkerRequest, listener: (message: WorkerMessage) => boolean): Promise<void> {
  const { worker, listeners } = proverWorker();
  listeners.set(message.id, (reply) => {
    if (listener(reply)) listeners.delete(message.id);
  });
  return worker.then(
    (created) => created.postMessage(message),
    (error: unknown) => {
      listeners.delete(message.id);
      throw error;
    },
  );
}

/**
 * Gets the worker ready to prove this claim while the user reads the page: the proving files are
 * downloaded and checked and the curve loaded once claims are open. Failures are not shown here:
 * the proof asks again and reports them.
 */
function prepareProver(claim: ClaimPackage): void {
  let files: ProvingFiles;
  try {
    files = provingFiles(claim);
  } catch {
    return; // the proof will say why
  }
  const key = JSON.stringify(files);
  if (preparing === key) return;
  preparing = key;
  $("progress").dataset["prepared"] = "preparing";
  const id = (nextRequest += 1);
  // For tests and the curious: whether the prover is getting ready, ready, or could not get ready.
  const settle = (ready: boolean): void => {
    if (preparing !== key) return;
    $("progress").dataset["prepared"] = ready ? "ready" : "failed";
    if (!ready) preparing = undefined; // the click asks again
  };
  void request({ type: "prepare", id, ...files }, (reply) => {
    if (reply.type === "progress") return false;
    settle(reply.type === "prepared");
    return true;
  }).catch(() => settle(false));
}

function provingFiles(claim: ClaimPackage): ProvingFiles {
  const artifacts = artifactRequests(claim);
  return { wasm: artifacts["claim.wasm"], zkey: artifacts["claim.zkey"], verificationKey: artifacts["verification_key.json"] };
}

function prove(claim: ClaimPackage): Promise<Extract<WorkerMessage, { type: "proved" }>> {
  const config = state.config!;
  const input = claimCircuitInput(poseidon, claim, claimContext({ chainId: chainId(), vault: config.vault, snapshotId: BigInt(config.snapshotId) }));
  const message: ProveRequest = {
    type: "prove",
    id: (nextRequest += 1),
    input: Object.fromEntries(
      Object.entries(input).map(([key, value]) => [
        key,
        Array.isArray(value) ? value.map((v: unknown) => (Array.isArray(v) ? v.map(String) : String(v))) : String(value),
      ]),
    ) as ProveRequest["input"],
    ...provingFiles(claim),
  };
  const started = performance.now();
  const progress = $("progress");
  const timer = setInterval(() => (progress.dataset["elapsed"] = ((performance.now() - started) / 1000).toFixed(1)), 100);
  return new Promise<Extract<WorkerMessage, { type: "proved" }>>((resolve, reject) => {
    request(message, (reply) => {
      const elapsed = ((performance.now() - started) / 1000).toFixed(1);
      if (reply.type === "progress") {
        const share = reply.total ? ` ${Math.round((100 * (reply.done ?? 0)) / reply.total)}%` : "";
        progress.textContent = `${reply.step[0]!.toUpperCase()}${reply.step.slice(1)}${share}… (${elapsed} s)`;
        return false;
      }
      if (reply.type === "failed") reject(new Error(reply.message));
      else if (reply.type === "proved") {
        progress.textContent = `Proved in ${(reply.proveMs / 1000).toFixed(2)} s (downloaded ${(reply.downloadedBytes / 1e6).toFixed(1)} MB in ${(reply.downloadMs / 1000).toFixed(1)} s; ${elapsed} s in all).`;
        progress.dataset["proveMs"] = reply.proveMs.toFixed(0);
        resolve(reply);
      }
      return true;
    }).catch(reject);
  }).finally(() => clearInterval(timer));
}

async function claimNow(): Promise<void> {
  const claim = state.claim;
  const config = state.config!;
  say("");
  if (claim === undefined) return say("Open your claim package first.");
  if (state.wallet === undefined || state.account === undefined) return say("Connect your wallet first: it sends the claim transaction.");
  const recipientText = $<HTMLInputElement>("recipient").value.trim();
  if (recipientText !== "" && !isAddress(recipientText))
    return say(`"${recipientText}" is not an Ethereum address. Enter the address that should receive the funds, or leave the field empty.`);
  const recipient = recipientText === "" ? undefined : getAddress(recipientText);
  if (recipient !== undefined && state.account !== claim.account) {
    return say(
      `Only the account in the package (${claim.account}) may send its share to another address. Connect that account, or leave the recipient empty to pay the account itself.`,
    );
  }
  if (!(await ensureChain())) return;
  await refresh();
  const refusal = state.view === undefined ? "The vault cannot be read." : claimRefusal(state.view, state.claimed === true);
  if (refusal !== undefined) return say(refusal);
  $<HTMLButtonElement>("claim").disabled = true;
  say("");
  try {
    const proved = await prove(claim);
    const { pA, pB, pC, pubSignals } = toCalldata(proved.proof, proved.publicSignals);
    const signer = await new BrowserProvider(state.wallet as never, Number(config.chainId)).getSigner(state.account);
    const vault = vaultContract(config.vault, signer);
    const snapshotId = BigInt(config.snapshotId);
    const args = recipient === undefined ? [snapshotId, pA, pB, pC, pubSignals] : [snapshotId, pA, pB, pC, pubSignals, recipient];
    const method = vault.getFunction(recipient === undefined ? "claim" : "claimTo");
    await method.staticCall(...args);
    const tx = await method(...args);
    const provedLine = $("progress").textContent;
    $("progress").textContent = `${provedLine} Transaction ${tx.hash as string} sent; waiting for it to be mined…`;
    const receipt = await tx.wait();
    $("progress").textContent = provedLine;
    const payouts = claimedPayouts(receipt) ?? [];
    const result = $("result");
    result.dataset["payouts"] = payouts.join(",");
    result.dataset["tx"] = receipt.hash;
    const assets = state.view!.assets;
    result.textContent = `Claimed. ${recipient ?? claim.account} received ${payouts.map((paid, k) => amount(paid, assets[k]?.decimals ?? 0, assets[k]?.symbol ?? claim.assets[k]!)).join(" and ")} (transaction ${receipt.hash}).`;
    await refresh();
    say(""); // the vault now says "already claimed" because of the claim just made
  } catch (error) {
    say(error instanceof Error && !("code" in error) && !("data" in error) ? error.message : explainRevert(error));
    $<HTMLButtonElement>("claim").disabled = false;
  }
}

// ---- start ---------------------------------------------------------------------------------

async function start(): Promise<void> {
  void loadWorkerSource().catch(() => undefined);
  $("connect").addEventListener("click", () => void connect());
  $("sign-in").addEventListener("click", () => void signIn());
  $("claim").addEventListener("click", () => void claimNow());
  $("apply-settings").addEventListener("click", applySettings);
  $<HTMLInputElement>("package-file").addEventListener("change", (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (file === undefined) return;
    void file.text().then(
      (text) => {
        let raw: unknown;
        try {
          raw = JSON.parse(text);
        } catch {
          return say(`The file ${file.name} is not a claim package (it is not JSON).`);
        }
        loadPackage(raw, file.name);
      },
      () => say(`The file ${file.name} cannot be read.`),
    );
  });
  try {
    const response = await fetch("api/config");
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    state.config = (await response.json()) as PortalConfig;
    state.online = true;
  } catch {
    $<HTMLDetailsElement>("offline").open = true;
    $("snapshot-state").dataset["state"] = "offline";
    $("snapshot-state").textContent =
      "The operator's server does not answer. You can still claim: open your claim package file and fill in the settings below.";
    return;
  }
  fillSettings();
  await refresh();
}

void start();
