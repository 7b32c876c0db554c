// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Turned off for this test contract only:
// use-natspec: a test contract: NatSpec at contract level is enough.
// avoid-low-level-calls: the reentrancy test needs a raw call back into the vault.
/* solhint-disable use-natspec, avoid-low-level-calls */

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice On a transfer out of the vault it calls back into the vault with a stored call (for
/// example the same claim again) and records whether that call succeeded.
contract ReentrantToken is ERC20 {
    address public vault;
    bytes public reentry;
    bool public reentered;
    bool public reentrySucceeded;
    bytes public reentryError;

    constructor() ERC20("Reentrant Token", "RNT") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function arm(address vault_, bytes calldata reentry_) external {
        vault = vault_;
        reentry = reentry_;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (from == vault && vault != address(0) && !reentered) {
            reentered = true;
            (bool ok, bytes memory result) = vault.call(reentry);
            reentrySucceeded = ok;
            reentryError = result;
        }
    }
}
