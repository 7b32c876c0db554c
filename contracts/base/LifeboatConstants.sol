// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Lifeboat protocol constants
/// @author Lifeboat
/// @notice One source of truth for the contracts; docs/protocol.md defines them and
/// test/contracts/constants.test.ts asserts they equal the TypeScript and circuit values.
library LifeboatConstants {
    /// @notice Order of the BN254 scalar field: every public signal must be below it.
    uint256 internal constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// @notice Width of a lane: every balance, sum and total is below 2^LANE_BITS.
    uint256 internal constant LANE_BITS = 96;
    uint256 internal constant LANE_LIMIT = 1 << LANE_BITS;
    uint256 internal constant MAX_ASSETS = 4;
    /// @notice keccak256("lifeboat.snapshot-commitment.v1") mod r.
    uint256 internal constant SNAPSHOT_DOMAIN =
        6337192634406303171877220461383180664418167884754861147510057367674785934463;
    /// @notice keccak256("lifeboat.claim-context.v1").
    bytes32 internal constant CONTEXT_TAG = keccak256("lifeboat.claim-context.v1");
    /// @notice keccak256 of the runtime code circomlibjs 0.1.7 generates for Poseidon(5)
    /// (`poseidonContract.createCode(5)` without its 12-byte loader); prover/chain/deploy.ts
    /// deploys exactly that code and test/contracts/hasher.test.ts asserts the two agree.
    bytes32 internal constant POSEIDON5_CODEHASH = 0xa8ed314c126cc96256257e54ee670ade6c4158d7aa8c770eba83bafb8cd3fddf;
    /// @notice Known answer: circomlib's Poseidon([1, 2, 3, 4, 5]).
    uint256 internal constant POSEIDON5_OF_1_TO_5 =
        6183221330272524995739186171720101788151706631170188140075976616310159254464;
}
