// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Turned off for this test contract only:
// no-unused-import: the imports exist only to make Hardhat compile these artifacts.
/* solhint-disable no-unused-import */

// Makes Hardhat compile OpenZeppelin's TimelockController, the governance that holds the vault's
// admin role in tests and in production deployments.
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
// And the ERC-1967 proxy the demo pool lives behind.
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
