// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IGroth16Verifier3
/// @author Lifeboat
/// @notice The snarkjs-generated Groth16 verifier of a claim circuit with three public signals
/// (snapshotCommitment, account, amounts word): instances with one or two assets.
interface IGroth16Verifier3 {
    /// @notice Whether the proof is valid for these public signals (the pairing check).
    /// @param pA the proof's A point (G1)
    /// @param pB the proof's B point (G2)
    /// @param pC the proof's C point (G1)
    /// @param pubSignals the public signals, each below the scalar field order
    /// @return whether the proof verifies
    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[3] calldata pubSignals
    ) external view returns (bool);
}

/// @title IGroth16Verifier4
/// @author Lifeboat
/// @notice The same for four public signals (two amounts words): instances with three or four assets.
interface IGroth16Verifier4 {
    /// @notice Whether the proof is valid for these public signals (the pairing check).
    /// @param pA the proof's A point (G1)
    /// @param pB the proof's B point (G2)
    /// @param pC the proof's C point (G1)
    /// @param pubSignals the public signals, each below the scalar field order
    /// @return whether the proof verifies
    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[4] calldata pubSignals
    ) external view returns (bool);
}
