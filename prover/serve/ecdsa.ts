import { concat, getAddress, getBytes, keccak256, Signature, SigningKey } from "ethers";

/** What this module uses of the `secp256k1` package's native binding (libsecp256k1). */
interface NativeSecp256k1 {
  ecdsaRecover(signature: Uint8Array, recoveryId: number, digest: Uint8Array, compressed: false): Uint8Array;
}

function loadNative(): NativeSecp256k1 | undefined {
  if (process.env.LIFEBOAT_PURE_JS_ECDSA === "1") return undefined;
  try {
    // The binding itself, not the package's index, which falls back to the `elliptic` package.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a native addon with no types of its own
    return require("secp256k1/bindings") as NativeSecp256k1;
  } catch {
    return undefined;
  }
}

const native = loadNative();

/**
 * Which implementation recovers signers: "libsecp256k1" (Bitcoin Core's library, through the
 * `secp256k1` package's prebuilt or compiled addon, about 0.1 ms a signature here) or, where that
 * addon cannot load, "ethers" (@noble/curves in JavaScript, about 3 ms). Both accept exactly the
 * same signatures (test/portal/ecdsa.test.ts).
 */
export const ECDSA_IMPLEMENTATION: "libsecp256k1" | "ethers" = native === undefined ? "ethers" : "libsecp256k1";

/**
 * The address whose key made `signature` (65 bytes r ‖ s ‖ v, as `personal_sign` returns) over the
 * 32-byte `digest`, or undefined when it is no such signature. Accepts what ethers'
 * `recoverAddress` accepts: v of 0, 1, 27, 28 or EIP-155's 35 and above, r and s below the group
 * order, s without its top bit (ethers' "non-canonical s").
 */
export function recoverSigner(digest: string, signature: string, implementation = ECDSA_IMPLEMENTATION): string | undefined {
  try {
    const parsed = Signature.from(signature);
    if (implementation === "ethers" || native === undefined) return addressOf(getBytes(SigningKey.recoverPublicKey(digest, parsed)));
    const publicKey = native.ecdsaRecover(getBytes(concat([parsed.r, parsed.s])), parsed.yParity, getBytes(digest), false);
    return addressOf(publicKey);
  } catch {
    return undefined;
  }
}

/** The address of an uncompressed public key (0x04 ‖ x ‖ y). */
function addressOf(publicKey: Uint8Array): string {
  return getAddress(`0x${keccak256(publicKey.subarray(1)).slice(-40)}`);
}
