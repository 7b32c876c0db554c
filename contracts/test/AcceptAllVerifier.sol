// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Turned off for this test contract only:
// use-natspec: a test contract: NatSpec at contract level is enough.
/* solhint-disable use-natspec */

/// @notice Accepts every proof: shows that the vault's own checks stand without the pairing.
contract AcceptAllVerifier {
    function verifyProof(uint256[2] calldata, uint256[2][2] calldata, uint256[2] calldata, uint256[3] calldata)
        external
        pure
        returns (bool)
    {
        return true;
    }
}
