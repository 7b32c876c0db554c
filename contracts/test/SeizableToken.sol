// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Turned off for this test contract only:
// use-natspec: a test contract: NatSpec at contract level is enough.
/* solhint-disable use-natspec */

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice A mintable ERC-20 whose issuer can seize any holder's balance (as fiat-backed stablecoins
/// can): the tests' way to make tokens go missing from a pool behind its books. Never deploy.
contract SeizableToken is ERC20 {
    constructor() ERC20("Seizable USD", "sUSD") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function seize(address from, uint256 amount) external {
        _burn(from, amount);
    }
}
