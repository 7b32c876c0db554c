// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Turned off for this test contract only:
// use-natspec: a test contract: NatSpec at contract level is enough.
/* solhint-disable use-natspec */

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {CircuitBreaker} from "../guard/CircuitBreaker.sol";

/// @notice A minimal protocol around CircuitBreaker for its own tests: anyone may ask it to pay out
/// the tokens it holds, and each outflow's fate is emitted so a test can replay the breaker's
/// decisions. Never deploy.
contract CircuitBreakerHarness is CircuitBreaker {
    event OutflowRequested(IERC20 indexed token, address indexed to, uint256 amount, bool sent, uint256 lockId);
    event LockSettled(uint256 indexed lockId, IERC20 token, uint256 amount, bool paid);

    constructor(address governance, uint64 window_, uint64 lockDelay_) CircuitBreaker(window_, lockDelay_) {
        _grantRole(DEFAULT_ADMIN_ROLE, governance);
    }

    function payOut(IERC20 token, address to, uint256 amount) external whenNotHalted {
        (bool sent, uint256 lockId) = _guardedOutflow(token, to, amount);
        emit OutflowRequested(token, to, amount, sent, lockId);
    }

    function _onLockSettled(uint256 lockId, IERC20 token, uint256 amount, bool paid) internal override {
        emit LockSettled(lockId, token, amount, paid);
    }
}
