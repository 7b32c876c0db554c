// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Turned off for this test contract only:
// use-natspec: a test contract: NatSpec at contract level is enough.
/* solhint-disable use-natspec */

/// @notice Accepts every proof with four public signals (three or four assets).
contract AcceptAllVerifier4 {
    function verifyProof(uint256[2] calldata, uint256[2][2] calldata, uint256[2] calldata, uint256[4] calldata)
        external
        pure
        returns (bool)
    {
        return true;
    }
}
