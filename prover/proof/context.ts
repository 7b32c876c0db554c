import { AbiCoder, getAddress, keccak256, toUtf8Bytes } from "ethers";

import { SNARK_SCALAR_FIELD } from "../hash/field";

/** keccak256("lifeboat.claim-context.v1"): the domain tag of the context. */
export const CONTEXT_TAG = keccak256(toUtf8Bytes("lifeboat.claim-context.v1"));

/** What a claim proof is bound to: one chain, one vault and one snapshot on it (see claimContext). */
export interface ClaimTarget {
  /** The EIP-155 chain id. */
  readonly chainId: bigint;
  /** The RecoveryVault's address (any case; it is checksummed before encoding). */
  readonly vault: string;
  /** The vault's id of the snapshot. */
  readonly snapshotId: bigint;
}

/**
 * context = uint256(keccak256(abi.encode(CONTEXT_TAG, chainId, vault, snapshotId))) mod p.
 * RecoveryVault computes the same from block.chainid and address(this), so a proof made for one
 * chain, vault or snapshot is refused by every other.
 */
export function claimContext(target: ClaimTarget): bigint {
  const encoded = AbiCoder.defaultAbiCoder().encode(
    ["bytes32", "uint256", "address", "uint256"],
    [CONTEXT_TAG, target.chainId, getAddress(target.vault), target.snapshotId],
  );
  return BigInt(keccak256(encoded)) % SNARK_SCALAR_FIELD;
}
