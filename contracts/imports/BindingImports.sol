// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Turned off for this file only:
// no-unused-import: the imports exist only to make Hardhat compile these artifacts.
/* solhint-disable no-unused-import */

// Nothing deploys this file: it makes Hardhat compile the third-party contracts whose ABIs and
// bytecode scripts/generate-bindings.ts writes to prover/contracts/ (ERC-20 interfaces and the
// standard ERC-20 errors for talking to real tokens, and the Safe the guardians use).
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Safe} from "@safe-global/safe-contracts/contracts/Safe.sol";
import {SafeProxyFactory} from "@safe-global/safe-contracts/contracts/proxies/SafeProxyFactory.sol";
