import { getBytes, type JsonRpcProvider, type Wallet } from "ethers";
import type { Page } from "puppeteer-core";

/**
 * A test wallet for the page: a small EIP-1193 provider injected before any script runs, which
 * forwards every request to Node; Node signs with an ethers Wallet (the "user") and sends
 * everything else to the chain's RPC. `use` switches the user, `network` what chain it reports.
 */
export interface TestWallet {
  use(wallet: Wallet): void;
  /** The chain the wallet reports, and whether it agrees to switch when asked. */
  network(chainId: bigint, allowSwitch: boolean): void;
}

const INJECTED = `(() => {
  const call = (method, params) => window.__lifeboatWallet(method, JSON.stringify(params ?? [])).then((answer) => {
    const parsed = JSON.parse(answer);
    if (parsed.error) { const error = new Error(parsed.error.message); error.code = parsed.error.code; if (parsed.error.data) error.data = parsed.error.data; throw error; }
    return parsed.result;
  });
  window.ethereum = { isLifeboatTestWallet: true, request: ({ method, params }) => call(method, params), on() {}, removeListener() {} };
})();`;

function revertData(error: unknown): string | undefined {
  const e = error as { data?: unknown; info?: { error?: { data?: unknown } }; error?: { data?: unknown } };
  for (const candidate of [e.info?.error?.data, e.error?.data, e.data]) if (typeof candidate === "string") return candidate;
  return undefined;
}

export async function injectWallet(page: Page, provider: JsonRpcProvider, initial: Wallet): Promise<TestWallet> {
  let user = initial.connect(provider);
  let chainId = (await provider.getNetwork()).chainId;
  let allowSwitch = true;
  await page.exposeFunction("__lifeboatWallet", async (method: string, paramsJson: string): Promise<string> => {
    const params = JSON.parse(paramsJson) as unknown[];
    try {
      switch (method) {
        case "eth_requestAccounts":
        case "eth_accounts":
          return JSON.stringify({ result: [user.address] });
        case "eth_chainId":
          return JSON.stringify({ result: `0x${chainId.toString(16)}` });
        case "wallet_switchEthereumChain": {
          if (!allowSwitch) return JSON.stringify({ error: { code: 4902, message: "Unrecognized chain ID" } });
          chainId = BigInt((params[0] as { chainId: string }).chainId);
          return JSON.stringify({ result: null });
        }
        case "personal_sign":
          return JSON.stringify({ result: await user.signMessage(getBytes(params[0] as string)) });
        case "eth_sendTransaction": {
          const tx = params[0] as { to: string; data?: string; value?: string; gas?: string };
          const sent = await user.sendTransaction({
            to: tx.to,
            data: tx.data ?? "0x",
            value: tx.value ?? 0n,
            ...(tx.gas === undefined ? {} : { gasLimit: tx.gas }),
          });
          return JSON.stringify({ result: sent.hash });
        }
        default:
          return JSON.stringify({ result: await provider.send(method, params) });
      }
    } catch (error) {
      const data = revertData(error);
      return JSON.stringify({ error: { code: data === undefined ? -32603 : 3, message: (error as Error).message, ...(data === undefined ? {} : { data }) } });
    }
  });
  await page.evaluateOnNewDocument(INJECTED);
  return {
    use: (wallet) => void (user = wallet.connect(provider)),
    network: (id, allow) => {
      chainId = id;
      allowSwitch = allow;
    },
  };
}
