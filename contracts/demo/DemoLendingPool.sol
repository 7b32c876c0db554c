// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {CircuitBreaker} from "../guard/CircuitBreaker.sol";
import {IPriceOracle} from "./DemoPriceOracle.sol";

/// @title DemoLendingPool
/// @notice The protocol of `npm run demo`: users deposit two assets and borrow one against the
/// other at an oracle price. It is protected by Lifeboat's guard:
/// - every outflow goes through the circuit breaker (rate limits, staged: warn and lock, halt);
/// - borrowing checks the oracle and halts on a stale price or one too far from the reference;
/// - its solvency invariants are checked after every state change, and a violation puts it into
///   safe mode: no borrowing, and withdrawals pay only the pro-rata share of what is left, so the
///   users who stay are kept whole relative to those who leave; leaving safe mode takes governance.
/// It carries a deliberate bug, `rescueTokens` without access control, for the demo's attacker.
/// WARNING: demonstration only; never deploy.
contract DemoLendingPool is CircuitBreaker {
    using SafeERC20 for IERC20;

    uint256 private constant LTV_BPS = 5000;
    uint256 private constant BPS = 10_000;

    IERC20[2] public assets;
    address public immutable owner;
    bool public safeMode;

    IPriceOracle public oracle;
    uint256 public referencePrice;
    uint64 public maxStaleness;
    uint16 public maxDeviationBps;

    mapping(address account => uint256[2]) private _deposits;
    mapping(address account => uint256[2]) private _debts;
    uint256[2] public totalDeposits;
    uint256[2] public totalBorrowed;
    /// @notice Tokens the pool counts as its own liquid funds.
    uint256[2] public cash;
    /// @notice Outflows locked by the breaker: still in the pool, no longer the pool's.
    uint256[2] public lockedOut;
    mapping(uint256 lockId => address account) private _withdrawalLock;
    mapping(uint256 lockId => uint256 amount) private _withdrawalCredit;

    event Deposited(address indexed account, uint256 indexed asset, uint256 amount);
    event Withdrawn(address indexed account, uint256 indexed asset, uint256 amount, uint256 paid);
    event Borrowed(address indexed account, uint256 indexed asset, uint256 amount);
    event Repaid(address indexed account, uint256 indexed asset, uint256 amount);
    event SafeModeEntered(uint256 indexed asset, uint256 assetsHeld, uint256 liabilities);
    event SafeModeExited(address indexed by);
    event OracleGuardSet(IPriceOracle oracle, uint256 referencePrice, uint64 maxStaleness, uint16 maxDeviationBps);

    error DemoLendingPoolNotOwner(address caller);
    error DemoLendingPoolLengthMismatch();
    error DemoLendingPoolInvalidAsset(uint256 asset);
    error DemoLendingPoolInsufficientDeposit(address account, uint256 asset, uint256 requested);
    error DemoLendingPoolUndercollateralized(address account, uint256 asset, uint256 requested, uint256 allowed);
    error DemoLendingPoolSafeMode();
    error DemoLendingPoolInvariantsBroken(uint256 asset);

    constructor(IERC20 asset0, IERC20 asset1, address governance, uint64 window_, uint64 lockDelay_)
        CircuitBreaker(window_, lockDelay_)
    {
        assets = [asset0, asset1];
        owner = msg.sender;
        _grantRole(DEFAULT_ADMIN_ROLE, governance);
    }

    modifier validAsset(uint256 asset) {
        if (asset > 1) revert DemoLendingPoolInvalidAsset(asset);
        _;
    }

    /// @dev Runs the solvency invariants after the function body.
    modifier checked() {
        _;
        _checkInvariants();
    }

    // ---- governance ------------------------------------------------------------------------------

    /// @notice The oracle guard's parameters. Governance only.
    function setOracleGuard(IPriceOracle oracle_, uint256 referencePrice_, uint64 maxStaleness_, uint16 maxDeviationBps_)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        oracle = oracle_;
        referencePrice = referencePrice_;
        maxStaleness = maxStaleness_;
        maxDeviationBps = maxDeviationBps_;
        emit OracleGuardSet(oracle_, referencePrice_, maxStaleness_, maxDeviationBps_);
    }

    /// @notice Leaves safe mode once the invariants hold again. Governance only.
    function exitSafeMode() external onlyRole(DEFAULT_ADMIN_ROLE) {
        for (uint256 k = 0; k < 2; ++k) {
            if (!_solvent(k)) revert DemoLendingPoolInvariantsBroken(k);
        }
        safeMode = false;
        emit SafeModeExited(msg.sender);
    }

    /// @notice Migrates existing positions in bulk (the owner supplies the tokens): lets the demo
    /// start from a thousand accounts without a thousand deposit transactions. Each position is
    /// announced with `Deposited`, so indexers find every depositor from the logs alone.
    function seedPositions(address[] calldata accounts, uint256[] calldata amounts0, uint256[] calldata amounts1) external checked {
        if (msg.sender != owner) revert DemoLendingPoolNotOwner(msg.sender);
        if (accounts.length != amounts0.length || accounts.length != amounts1.length) revert DemoLendingPoolLengthMismatch();
        uint256[2] memory total;
        for (uint256 i = 0; i < accounts.length; ++i) {
            _deposits[accounts[i]][0] += amounts0[i];
            _deposits[accounts[i]][1] += amounts1[i];
            total[0] += amounts0[i];
            total[1] += amounts1[i];
            if (amounts0[i] != 0) emit Deposited(accounts[i], 0, amounts0[i]);
            if (amounts1[i] != 0) emit Deposited(accounts[i], 1, amounts1[i]);
        }
        for (uint256 k = 0; k < 2; ++k) {
            totalDeposits[k] += total[k];
            cash[k] += total[k];
            assets[k].safeTransferFrom(msg.sender, address(this), total[k]);
        }
    }

    // ---- users -----------------------------------------------------------------------------------

    function deposit(uint256 asset, uint256 amount) external validAsset(asset) whenNotHalted checked {
        _deposits[msg.sender][asset] += amount;
        totalDeposits[asset] += amount;
        cash[asset] += amount;
        assets[asset].safeTransferFrom(msg.sender, address(this), amount);
        emit Deposited(msg.sender, asset, amount);
    }

    /// @notice Withdraws `amount` of the caller's deposit. In safe mode it pays only the pro-rata
    /// share (assets held / liabilities) of that amount. Large outflows may be locked by the breaker.
    function withdraw(uint256 asset, uint256 amount) external validAsset(asset) whenNotHalted checked {
        if (_deposits[msg.sender][asset] < amount) revert DemoLendingPoolInsufficientDeposit(msg.sender, asset, amount);
        uint256 paid = amount;
        if (safeMode) {
            uint256 held = cash[asset] + totalBorrowed[asset];
            if (held < totalDeposits[asset]) paid = (amount * held) / totalDeposits[asset];
        }
        _deposits[msg.sender][asset] -= amount;
        totalDeposits[asset] -= amount;
        cash[asset] -= paid;
        emit Withdrawn(msg.sender, asset, amount, paid);
        (bool sent, uint256 lockId) = _guardedOutflow(assets[asset], msg.sender, paid);
        if (!sent) {
            lockedOut[asset] += paid;
            _withdrawalLock[lockId] = msg.sender;
            _withdrawalCredit[lockId] = amount;
        }
    }

    /// @notice Borrows `asset` against the caller's deposit of the other asset, valued at the
    /// oracle price, up to 50 %. A stale or deviating price halts the pool instead of lending.
    function borrow(uint256 asset, uint256 amount) external validAsset(asset) whenNotHalted checked {
        if (safeMode) revert DemoLendingPoolSafeMode();
        (bool ok, uint256 price) = _guardedPrice();
        if (!ok) return; // halted: the call succeeds so that the halt persists, and lends nothing
        uint256 collateral = _deposits[msg.sender][1 - asset];
        uint256 value = asset == 1 ? (collateral * price) / 1e18 : (collateral * 1e18) / price;
        uint256 allowed = (value * LTV_BPS) / BPS;
        if (_debts[msg.sender][asset] + amount > allowed) {
            revert DemoLendingPoolUndercollateralized(msg.sender, asset, amount, allowed);
        }
        _debts[msg.sender][asset] += amount;
        totalBorrowed[asset] += amount;
        cash[asset] -= amount;
        emit Borrowed(msg.sender, asset, amount);
        // A borrow's lock pays the borrower when released; cancelling it is governance's call.
        (bool sent,) = _guardedOutflow(assets[asset], msg.sender, amount);
        if (!sent) lockedOut[asset] += amount;
    }

    function repay(uint256 asset, uint256 amount) external validAsset(asset) checked {
        _debts[msg.sender][asset] -= amount;
        totalBorrowed[asset] -= amount;
        cash[asset] += amount;
        assets[asset].safeTransferFrom(msg.sender, address(this), amount);
        emit Repaid(msg.sender, asset, amount);
    }

    /// @notice The bug: meant for the owner to rescue stray tokens, but anyone can call it, and it
    /// takes the pool's own funds. The breaker and the invariants are what limit the damage.
    function rescueTokens(uint256 asset, address to, uint256 amount) external validAsset(asset) whenNotHalted checked {
        cash[asset] -= amount;
        (bool sent,) = _guardedOutflow(assets[asset], to, amount);
        if (!sent) lockedOut[asset] += amount;
    }

    // ---- views -----------------------------------------------------------------------------------

    function depositOf(address account, uint256 asset) external view returns (uint256) {
        return _deposits[account][asset];
    }

    function debtOf(address account, uint256 asset) external view returns (uint256) {
        return _debts[account][asset];
    }

    /// @notice Deposits and debts of many accounts at once, per asset: what the operator reads at
    /// the pre-incident block, one call per batch of accounts.
    function positionsOf(address[] calldata accounts)
        external
        view
        returns (uint256[2][] memory deposits, uint256[2][] memory debts)
    {
        deposits = new uint256[2][](accounts.length);
        debts = new uint256[2][](accounts.length);
        for (uint256 i = 0; i < accounts.length; ++i) {
            deposits[i] = _deposits[accounts[i]];
            debts[i] = _debts[accounts[i]];
        }
    }

    /// @notice Whether asset `k` is solvent: tokens held cover the books, and assets (liquid funds
    /// plus loans outstanding) cover the deposits.
    function solvent(uint256 k) external view validAsset(k) returns (bool) {
        return _solvent(k);
    }

    // ---- internals -------------------------------------------------------------------------------

    function _solvent(uint256 k) private view returns (bool) {
        bool booksCovered = assets[k].balanceOf(address(this)) >= cash[k] + lockedOut[k];
        bool depositsCovered = cash[k] + totalBorrowed[k] >= totalDeposits[k];
        return booksCovered && depositsCovered;
    }

    function _checkInvariants() private {
        if (safeMode) return;
        for (uint256 k = 0; k < 2; ++k) {
            if (!_solvent(k)) {
                safeMode = true;
                emit SafeModeEntered(k, cash[k] + totalBorrowed[k], totalDeposits[k]);
                return;
            }
        }
    }

    function _guardedPrice() private returns (bool ok, uint256 price) {
        uint64 updatedAt;
        (price, updatedAt) = oracle.latestPrice();
        if (block.timestamp > uint256(updatedAt) + maxStaleness) {
            _halt("stale oracle price");
            return (false, price);
        }
        uint256 difference = price > referencePrice ? price - referencePrice : referencePrice - price;
        if (difference * BPS > uint256(maxDeviationBps) * referencePrice) {
            _halt("oracle price deviates from the reference");
            return (false, price);
        }
        return (true, price);
    }

    function _onLockSettled(uint256 lockId, IERC20 token, uint256 amount, bool paid) internal override {
        uint256 k = token == assets[0] ? 0 : 1;
        lockedOut[k] -= amount;
        if (paid) return;
        // Cancelled: the tokens stay the pool's; a cancelled withdrawal gives the deposit back.
        cash[k] += amount;
        address account = _withdrawalLock[lockId];
        if (account != address(0)) {
            uint256 credit = _withdrawalCredit[lockId];
            _deposits[account][k] += credit;
            totalDeposits[k] += credit;
        }
    }
}
