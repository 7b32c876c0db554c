// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Turned off for this test contract only:
// use-natspec: a test contract: NatSpec at contract level is enough.
/* solhint-disable use-natspec */

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Burns 1 % of every transfer: the vault must record what it received, not what was sent.
contract FeeOnTransferToken is ERC20 {
    constructor() ERC20("Fee Token", "FEE") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) {
            uint256 fee = value / 100;
            super._update(from, address(0), fee);
            value -= fee;
        }
        super._update(from, to, value);
    }
}
