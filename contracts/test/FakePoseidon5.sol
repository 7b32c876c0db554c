// SPDX-License-Identifier: MIT
// Turned off for this test contract only:
// use-natspec: a test contract: NatSpec at contract level is enough.
// one-contract-per-file: two small fake hashers for one test.
// gas-calldata-parameters: signatures mirror IPoseidon5 as the generated hasher exposes it.
/* solhint-disable use-natspec, one-contract-per-file, gas-calldata-parameters */
pragma solidity ^0.8.28;


import {IPoseidon5} from "../interfaces/IPoseidon5.sol";

/// @notice A hasher that answers a fixed value: the vault's known-answer check must refuse it.
contract WrongPoseidon5 is IPoseidon5 {
    function poseidon(uint256[5] memory) external pure returns (uint256) {
        return 42;
    }
}

/// @notice A switchable hasher: forwards to whatever `implementation` anyone sets. It answers right
/// while it points at the real Poseidon(5), so only the vault's code-hash pin refuses it.
contract SwitchablePoseidon5 {
    address public implementation;

    constructor(address target_) {
        implementation = target_;
    }

    function setImplementation(address target_) external {
        implementation = target_;
    }

    function poseidon(uint256[5] memory inputs) external view returns (uint256) {
        return IPoseidon5(implementation).poseidon(inputs);
    }
}
