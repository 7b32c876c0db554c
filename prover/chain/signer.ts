import { promises as fs } from "node:fs";

import { Wallet, type Provider, type Signer } from "ethers";

import { InputError } from "../errors";

/** Environment variables that carry secrets: never flags, which leak into shell history and `ps`. */
export const PRIVATE_KEY_ENV = "LIFEBOAT_PRIVATE_KEY";
/** The environment variable that holds the password of the keystore given with --keystore. */
export const KEYSTORE_PASSWORD_ENV = "LIFEBOAT_KEYSTORE_PASSWORD";

/** Where loadSigner may take the transaction signer from, besides LIFEBOAT_PRIVATE_KEY. */
export interface SignerSource {
  /** An encrypted JSON keystore (geth/ethers format); its password comes from the environment. */
  readonly keystore?: string | undefined;
  /** Fallback for development chains: the chain's own unlocked account. */
  readonly fallback?: (() => Promise<Signer>) | undefined;
}

/**
 * The transaction signer: a keystore file (password in LIFEBOAT_KEYSTORE_PASSWORD), else the key
 * in LIFEBOAT_PRIVATE_KEY, else, on a development chain, its first unlocked account.
 */
export async function loadSigner(provider: Provider, source: SignerSource): Promise<Signer> {
  if (source.keystore !== undefined) {
    const password = process.env[KEYSTORE_PASSWORD_ENV];
    if (password === undefined) throw new InputError(`--keystore needs its password in the ${KEYSTORE_PASSWORD_ENV} environment variable`);
    let json: string;
    try {
      json = await fs.readFile(source.keystore, "utf8");
    } catch {
      throw new InputError(`--keystore file ${source.keystore} cannot be read`);
    }
    try {
      return (await Wallet.fromEncryptedJson(json, password)).connect(provider);
    } catch (error) {
      throw new InputError(`--keystore file ${source.keystore} could not be decrypted: ${(error as Error).message}`);
    }
  }
  const key = process.env[PRIVATE_KEY_ENV];
  if (key !== undefined && key !== "") {
    if (!/^(0x)?[0-9a-fA-F]{64}$/.test(key.trim())) {
      throw new InputError(`${PRIVATE_KEY_ENV} must hold a 32-byte hex private key (its value is not shown)`);
    }
    return new Wallet(key.trim().startsWith("0x") ? key.trim() : `0x${key.trim()}`, provider);
  }
  if (source.fallback !== undefined) return source.fallback();
  throw new InputError(`no signer: set ${PRIVATE_KEY_ENV}, or pass --keystore FILE with ${KEYSTORE_PASSWORD_ENV}`);
}
