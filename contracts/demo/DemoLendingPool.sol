// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title DemoLendingPool
/// @notice The protocol of `npm run demo`: users hold deposits of two assets. It carries a
/// deliberate bug, `rescueTokens` without access control, which the demo's attacker exploits.
/// WARNING: demonstration only; never deploy.
contract DemoLendingPool {
    using SafeERC20 for IERC20;

    IERC20[2] public assets;
    address public immutable owner;
    mapping(address account => uint256[2]) private _deposits;

    event Deposited(address indexed account, uint256 indexed asset, uint256 amount);
    event Withdrawn(address indexed account, uint256 indexed asset, uint256 amount);

    error DemoLendingPoolNotOwner(address caller);
    error DemoLendingPoolLengthMismatch();
    error DemoLendingPoolInsufficientDeposit(address account, uint256 asset, uint256 requested);

    constructor(IERC20 asset0, IERC20 asset1) {
        assets = [asset0, asset1];
        owner = msg.sender;
    }

    /// @notice Migrates existing positions in bulk (the owner supplies the tokens): lets the demo
    /// start from a thousand accounts without a thousand deposit transactions.
    function seedPositions(address[] calldata accounts, uint256[] calldata amounts0, uint256[] calldata amounts1) external {
        if (msg.sender != owner) revert DemoLendingPoolNotOwner(msg.sender);
        if (accounts.length != amounts0.length || accounts.length != amounts1.length) revert DemoLendingPoolLengthMismatch();
        uint256 total0;
        uint256 total1;
        for (uint256 i = 0; i < accounts.length; ++i) {
            _deposits[accounts[i]][0] += amounts0[i];
            _deposits[accounts[i]][1] += amounts1[i];
            total0 += amounts0[i];
            total1 += amounts1[i];
        }
        assets[0].safeTransferFrom(msg.sender, address(this), total0);
        assets[1].safeTransferFrom(msg.sender, address(this), total1);
    }

    function deposit(uint256 asset, uint256 amount) external {
        _deposits[msg.sender][asset] += amount;
        assets[asset].safeTransferFrom(msg.sender, address(this), amount);
        emit Deposited(msg.sender, asset, amount);
    }

    function withdraw(uint256 asset, uint256 amount) external {
        if (_deposits[msg.sender][asset] < amount) revert DemoLendingPoolInsufficientDeposit(msg.sender, asset, amount);
        _deposits[msg.sender][asset] -= amount;
        assets[asset].safeTransfer(msg.sender, amount);
        emit Withdrawn(msg.sender, asset, amount);
    }

    /// @notice The bug: meant for the owner to rescue stray tokens, but anyone can call it.
    function rescueTokens(uint256 asset, address to, uint256 amount) external {
        assets[asset].safeTransfer(to, amount);
    }

    function depositOf(address account, uint256 asset) external view returns (uint256) {
        return _deposits[account][asset];
    }

    /// @notice Deposits of many accounts at once: what the operator reads at the pre-incident block.
    function depositsOf(address[] calldata accounts) external view returns (uint256[] memory amounts0, uint256[] memory amounts1) {
        amounts0 = new uint256[](accounts.length);
        amounts1 = new uint256[](accounts.length);
        for (uint256 i = 0; i < accounts.length; ++i) {
            amounts0[i] = _deposits[accounts[i]][0];
            amounts1[i] = _deposits[accounts[i]][1];
        }
    }
}
