// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice The snarkjs-generated Groth16 verifier of a claim circuit with three public signals
/// (snapshotCommitment, account, amounts word): instances with one or two assets.
interface IGroth16Verifier3 {
    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[3] calldata pubSignals
    ) external view returns (bool);
}

/// @notice The same for four public signals (two amounts words): instances with three or four assets.
interface IGroth16Verifier4 {
    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[4] calldata pubSignals
    ) external view returns (bool);
}
