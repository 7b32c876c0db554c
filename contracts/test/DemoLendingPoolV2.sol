// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Turned off for this test contract only:
// use-natspec: a test contract: NatSpec at contract level is enough.
/* solhint-disable use-natspec */

import {DemoLendingPool} from "../examples/DemoLendingPool.sol";

/// @notice A next version of the demo pool for the upgrade tests: the same storage layout (it
/// appends nothing) and one new function.
contract DemoLendingPoolV2 is DemoLendingPool {
    constructor(uint64 window_) DemoLendingPool(window_) {}

    function version() external pure returns (uint256) {
        return 2;
    }
}
