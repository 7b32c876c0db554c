// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Makes Hardhat compile OpenZeppelin's TimelockController, the governance that holds the vault's
// admin role in tests and in production deployments.
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
