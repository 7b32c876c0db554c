// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Turned off for this test contract only:
// no-unused-import: the imports exist only to make Hardhat compile these artifacts.
/* solhint-disable no-unused-import */

// Makes Hardhat compile the Safe (v1.4.1) and its proxy factory: the emergency multisig that holds
// the guardian role in tests and in the demo.
import {Safe} from "@safe-global/safe-contracts/contracts/Safe.sol";
import {SafeProxyFactory} from "@safe-global/safe-contracts/contracts/proxies/SafeProxyFactory.sol";
// The Safe's EIP-1271 handler: a Safe set up with it signs in to the claim portal (test/portal).
import {CompatibilityFallbackHandler} from "@safe-global/safe-contracts/contracts/handler/CompatibilityFallbackHandler.sol";
