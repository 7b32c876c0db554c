// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

import {CircuitBreaker} from "../guard/CircuitBreaker.sol";
import {OracleGuard} from "../guard/OracleGuard.sol";
import {SafeMode} from "../guard/SafeMode.sol";

/// @title DemoLendingPoolCore
/// @author Lifeboat
/// @notice The demo pool's state, events, errors and internal logic, shared by `DemoLendingPool`
/// and `DemoLendingPoolExtension`: the pool runs the extension's functions by delegatecall, so
/// both must have exactly this storage layout, which inheriting this one contract guarantees.
/// @dev Nothing here is external except what the guard modules expose. WARNING: demonstration only.
/// @dev Two assets' books, bad debt, locks, risk and volatility state: more state variables than
/// solhint's default of 15, on purpose.
abstract contract DemoLendingPoolCore is CircuitBreaker, SafeMode, OracleGuard { // solhint-disable-line max-states-count
    using SafeERC20 for IERC20;
    using EnumerableSet for EnumerableSet.AddressSet;

    uint256 internal constant BPS = 10_000;
    /// @dev Fixed point of the volatility: 1e18 is a squared relative return of 1 (100 %^2).
    uint256 internal constant WAD = 1e18;
    /// @dev Oracle prices are asset-1 base units per this many asset-0 base units.
    uint256 internal constant PRICE_UNIT = 1e18;

    /// @dev Who a locked outflow belongs to, so that cancelling it can undo it.
    struct PendingOutflow {
        address account;
        bool isBorrow;
        /// @dev For a withdrawal: the deposit it consumed (the full amount requested).
        uint256 credit;
    }

    /// @notice The two assets: 0 is priced by the oracle, 1 is the unit of prices and values.
    IERC20[2] public assets;
    /// @notice Who may seed positions: the account that deployed the proxy.
    address public owner;
    /// @notice The only account that may upgrade the pool: a TimelockController.
    TimelockController public upgradeTimelock;

    mapping(address account => uint256[2]) internal _deposits;
    mapping(address account => uint256[2]) internal _debts;
    /// @dev Recognised bad debt per account and asset: the part of its debt its collateral did not
    /// cover at its last assessment's price (repayments since only cap it at what is still owed).
    mapping(address account => uint256[2]) internal _badDebt;
    EnumerableSet.AddressSet internal _borrowers;
    /// @notice Deposits per asset: what the pool owes its depositors.
    uint256[2] public totalDeposits;
    /// @notice Loans outstanding per asset.
    uint256[2] public totalBorrowed;
    /// @notice Recognised bad debt per asset: borrowed, but not counted as an asset.
    uint256[2] public totalBadDebt;
    /// @notice Tokens the pool counts as its own liquid funds.
    uint256[2] public cash;
    /// @notice Outflows locked by the breaker: still in the pool, no longer the pool's.
    uint256[2] public lockedOut;
    mapping(uint256 lockId => PendingOutflow) internal _pending;

    /// @notice One asset's parameters as collateral, in basis points of its value: the current
    /// borrow limit (loan-to-value) and liquidation threshold, and the bounds they move within.
    struct RiskParams {
        uint16 ltvBps;
        uint16 thresholdBps;
        uint16 minLtvBps;
        uint16 maxLtvBps;
        uint16 minThresholdBps;
        uint16 maxThresholdBps;
    }

    /// @notice How volatility is measured and what it does. Levels are variances (WAD, see
    /// `volatility`). At or below `low` each asset's limits sit at their maximum, at or above
    /// `high` at their minimum, linear in between; they move toward that target by at most
    /// `maxStepBps` per sample. Above `freezeBorrow` borrowing stops; at or above `haltLevel` the
    /// pool halts. `interval` 0: not configured (limits stay where they are).
    struct VolatilityModel {
        uint64 interval;
        uint16 weightBps;
        uint16 maxStepBps;
        uint128 low;
        uint128 high;
        uint128 freezeBorrow;
        uint128 haltLevel;
    }

    RiskParams[2] internal _risk;
    /// @notice The volatility model (see `VolatilityModel`).
    VolatilityModel public volatilityModel;
    /// @notice EWMA of squared relative returns of the oracle price between samples at least
    /// `interval` apart, WAD: `v <- v + w * (r^2 - v)` with `r = (p - p_prev) / p_prev`.
    uint256 public volatility;
    /// @dev The price and time of the last volatility sample (in `VolatilityUpdated`).
    uint256 internal _samplePrice;
    uint64 internal _sampledAt;
    /// @notice Largest share of a debt (in one asset) one liquidation may repay, basis points.
    uint16 public closeFactorBps;
    /// @notice Collateral seized on top of the value repaid, basis points of it.
    uint16 public liquidationBonusBps;
    /// @notice Debt at this share of the liquidation limit (basis points) draws a `MarginWarning`.
    uint16 public marginWarningBps;
    /// @notice Whether governance allows liquidations while halted or in safe mode.
    bool public emergencyLiquidations;

    /// @notice `account` deposited (or was seeded with) `amount` of `asset`.
    /// @param account the depositor
    /// @param asset 0 or 1
    /// @param amount base units
    event Deposited(address indexed account, uint256 indexed asset, uint256 amount);
    /// @notice `account` gave up `amount` of its deposit and was paid (or locked) `paid`.
    /// @param account the depositor
    /// @param asset 0 or 1
    /// @param amount the deposit given up
    /// @param paid what it is paid (less than `amount` only in safe mode)
    event Withdrawn(address indexed account, uint256 indexed asset, uint256 amount, uint256 paid);
    /// @notice `account` borrowed `amount` of `asset`.
    /// @param account the borrower
    /// @param asset 0 or 1
    /// @param amount base units
    event Borrowed(address indexed account, uint256 indexed asset, uint256 amount);
    /// @notice `account` repaid `amount` of its debt in `asset`.
    /// @param account the borrower
    /// @param asset 0 or 1
    /// @param amount base units
    event Repaid(address indexed account, uint256 indexed asset, uint256 amount);
    /// @notice Governance cancelled a locked borrow: its debt is removed, what was already repaid is credited back.
    /// @param account the borrower
    /// @param asset 0 or 1
    /// @param debtRemoved the debt removed
    /// @param refunded what was credited to its deposit
    event BorrowCancelled(address indexed account, uint256 indexed asset, uint256 debtRemoved, uint256 refunded);
    /// @notice Governance cancelled a locked withdrawal: the deposit it consumed is restored.
    /// @param account the depositor
    /// @param asset 0 or 1
    /// @param depositRestored the deposit given back
    event WithdrawalCancelled(address indexed account, uint256 indexed asset, uint256 depositRestored);
    /// @notice The account's recognised bad debt changed (to these amounts, per asset).
    /// @param account the assessed account
    /// @param badDebt0 its recognised bad debt in asset 0
    /// @param badDebt1 its recognised bad debt in asset 1
    event BadDebtAssessed(address indexed account, uint256 badDebt0, uint256 badDebt1);
    /// @notice A liquidator repaid part of a borrower's debt and was credited its collateral with the bonus.
    /// @param liquidator who repaid and was credited
    /// @param borrower whose position was liquidated
    /// @param debtAsset the asset repaid
    /// @param repaid base units repaid
    /// @param collateralAsset the asset seized
    /// @param seized base units credited to the liquidator's deposit
    event Liquidated(
        address indexed liquidator, address indexed borrower, uint256 debtAsset, uint256 repaid, uint256 collateralAsset, uint256 seized
    );
    /// @notice The account's debt is at or above `marginWarningBps` of its liquidation limit.
    /// @param account the account
    /// @param debtValue its debts' value, asset-1 base units
    /// @param liquidationLimit its liquidation limit
    event MarginWarning(address indexed account, uint256 debtValue, uint256 liquidationLimit);
    /// @notice A volatility sample: the squared relative return `sample` and the new EWMA.
    /// @param volatility the new EWMA (WAD)
    /// @param sample the squared relative return of this sample (WAD)
    /// @param price the sampled price
    event VolatilityUpdated(uint256 volatility, uint256 sample, uint256 price);
    /// @notice Asset `asset`'s borrow limit and liquidation threshold moved (volatility, or new bounds).
    /// @param asset 0 or 1
    /// @param ltvBps the new borrow limit, basis points
    /// @param thresholdBps the new liquidation threshold, basis points
    event RiskParamsUpdated(uint256 indexed asset, uint16 ltvBps, uint16 thresholdBps);
    /// @notice Governance set the bounds of `asset`'s limits.
    /// @param asset 0 or 1
    /// @param minLtvBps the lowest borrow limit
    /// @param maxLtvBps the highest borrow limit
    /// @param minThresholdBps the lowest liquidation threshold
    /// @param maxThresholdBps the highest liquidation threshold
    event RiskBoundsSet(uint256 indexed asset, uint16 minLtvBps, uint16 maxLtvBps, uint16 minThresholdBps, uint16 maxThresholdBps);
    /// @notice Governance set the volatility model (read it with `volatilityModel()`).
    /// @param by the governance account
    event VolatilityModelSet(address indexed by);
    /// @notice Governance set the liquidation parameters.
    /// @param closeFactorBps the largest share of a debt one liquidation may repay
    /// @param liquidationBonusBps the collateral bonus
    /// @param marginWarningBps the margin-warning level, of the liquidation limit
    /// @param emergencyLiquidations whether liquidations run while halted or in safe mode
    event LiquidationParamsSet(uint16 closeFactorBps, uint16 liquidationBonusBps, uint16 marginWarningBps, bool emergencyLiquidations);

    error DemoLendingPoolNotOwner(address caller);
    error DemoLendingPoolNotUpgrader(address caller);
    error DemoLendingPoolInvalidTimelock(address timelock);
    error DemoLendingPoolLengthMismatch();
    error DemoLendingPoolInvalidAsset(uint256 asset);
    error DemoLendingPoolZeroAmount();
    error DemoLendingPoolInsufficientDeposit(address account, uint256 asset, uint256 requested);
    error DemoLendingPoolInsufficientLiquidity(uint256 asset, uint256 requested, uint256 available);
    error DemoLendingPoolUndercollateralized(address account, uint256 debtValue, uint256 borrowLimit);
    error DemoLendingPoolRepayExceedsDebt(address account, uint256 asset, uint256 amount, uint256 debt);
    error DemoLendingPoolPositionHealthy(address borrower, uint256 debtValue, uint256 liquidationLimit);
    error DemoLendingPoolAboveCloseFactor(address borrower, uint256 asset, uint256 repayAmount, uint256 maxRepay);
    error DemoLendingPoolInsufficientCollateral(address borrower, uint256 asset, uint256 seized, uint256 available);
    error DemoLendingPoolBorrowingFrozen(uint256 volatility, uint256 freezeLevel);
    error DemoLendingPoolVolatilityUnset();
    error DemoLendingPoolInvalidRiskParams(uint256 asset);
    error DemoLendingPoolInvalidVolatilityModel();
    error DemoLendingPoolInvalidLiquidationParams(uint16 closeFactorBps, uint16 liquidationBonusBps, uint16 marginWarningBps);

    /// @param window_ the circuit breaker's rolling window, seconds
    /// @notice Sets the breaker's window; the lock delay is set per proxy by `initialize`.
    constructor(uint64 window_) CircuitBreaker(window_, 0) {}

    // Modifiers call internal functions so that their code is not copied into every function (the
    // pool must stay under the 24,576-byte code limit).

    modifier validAsset(uint256 asset) {
        _requireValidAsset(asset);
        _;
    }

    modifier nonZero(uint256 amount) {
        _requireNonZero(amount);
        _;
    }

    /// @dev Runs the solvency invariants before the function body (a state broken from outside,
    /// tokens taken from the pool say, is seen before anything is paid or taken on it: a deposit or
    /// a borrow is refused, a withdrawal pays pro rata) and after.
    modifier checked() {
        _checkInvariants();
        _;
        _checkInvariants();
    }

    function _requireValidAsset(uint256 asset) internal pure {
        if (asset > 1) revert DemoLendingPoolInvalidAsset(asset);
    }

    function _requireNonZero(uint256 amount) internal pure {
        if (amount == 0) revert DemoLendingPoolZeroAmount();
    }

    /// @dev Tokens of asset `k` the pool holds for its books: never more than it really has.
    function _liquid(uint256 k) internal view returns (uint256) {
        uint256 balance = assets[k].balanceOf(address(this));
        uint256 free = balance > lockedOut[k] ? balance - lockedOut[k] : 0;
        return Math.min(cash[k], free);
    }

    function _assetsHeld(uint256 k) internal view returns (uint256) {
        return _liquid(k) + totalBorrowed[k] - totalBadDebt[k];
    }

    function _solvent(uint256 k) internal view returns (bool) {
        bool booksCovered = assets[k].balanceOf(address(this)) >= cash[k] + lockedOut[k];
        return booksCovered && _assetsHeld(k) >= totalDeposits[k];
    }

    /// @dev What a withdrawal of `amount` pays: all of it while the assets cover the deposits,
    /// else the pro-rata share, rounded down (in favour of those who stay).
    function _proRata(uint256 k, uint256 amount) internal view returns (uint256) {
        uint256 held = _assetsHeld(k);
        uint256 owed = totalDeposits[k];
        if (held >= owed) return amount;
        return Math.mulDiv(amount, held, owed);
    }

    /// @dev Invariant `k + 1`: asset `k` is solvent (see `solvent`).
    function _brokenInvariant() internal view override returns (uint256) {
        for (uint256 k = 0; k < 2; ++k) {
            if (!_solvent(k)) return k + 1;
        }
        return 0;
    }

    /// @dev A refused price halts the pool, except when no feed is set at all: that is a missing
    /// configuration, not an incident, and the call reverts with `OracleGuardUnknownAsset`.
    function _onPriceRejected(address asset, bytes memory refusal) internal override {
        if (bytes4(refusal) == OracleGuardUnknownAsset.selector) _requirePrice(asset);
        _halt("oracle price refused");
    }

    /// @dev Collateral valued down, debt valued up, both in asset-1 base units; the limits weigh
    /// each deposit's value by its asset's current parameters (rounded down).
    function _health(address account, uint256 price)
        internal
        view
        returns (uint256 collateralValue, uint256 debtValue, uint256 borrowLimit, uint256 liquidationLimit)
    {
        uint256[2] storage deposits = _deposits[account];
        uint256[2] storage debts = _debts[account];
        uint256 value0 = Math.mulDiv(deposits[0], price, PRICE_UNIT);
        collateralValue = value0 + deposits[1];
        debtValue = Math.mulDiv(debts[0], price, PRICE_UNIT, Math.Rounding.Ceil) + debts[1];
        borrowLimit = (value0 * _risk[0].ltvBps + deposits[1] * _risk[1].ltvBps) / BPS;
        liquidationLimit = (value0 * _risk[0].thresholdBps + deposits[1] * _risk[1].thresholdBps) / BPS;
    }

    function _requireHealthy(address account, uint256 price) internal view {
        (, uint256 debtValue, uint256 borrowLimit,) = _health(account, price);
        if (debtValue > borrowLimit) revert DemoLendingPoolUndercollateralized(account, debtValue, borrowLimit);
    }

    /// @dev Refuses a liquidation of a position within its liquidation limit, or above the close factor.
    function _requireLiquidatable(address borrower, uint256 debtAsset, uint256 repayAmount, uint256 price) internal view {
        (, uint256 debtValue,, uint256 liquidationLimit) = _health(borrower, price);
        if (debtValue <= liquidationLimit) revert DemoLendingPoolPositionHealthy(borrower, debtValue, liquidationLimit);
        uint256 maxRepay = (_debts[borrower][debtAsset] * closeFactorBps) / BPS;
        if (repayAmount > maxRepay) revert DemoLendingPoolAboveCloseFactor(borrower, debtAsset, repayAmount, maxRepay);
    }

    /// @dev Collateral in `collateralAsset` worth `repayAmount` of `debtAsset` plus the bonus,
    /// rounded down.
    function _seizable(uint256 debtAsset, uint256 repayAmount, uint256 collateralAsset, uint256 price) internal view returns (uint256) {
        uint256 withBonus = repayAmount * (BPS + liquidationBonusBps);
        if (debtAsset == collateralAsset) return withBonus / BPS;
        if (debtAsset == 0) return Math.mulDiv(withBonus, price, PRICE_UNIT * BPS);
        return Math.mulDiv(withBonus, PRICE_UNIT, price * BPS);
    }

    /// @dev Whether a position at the threshold `thresholdBps` covers a liquidation's seizure:
    /// `threshold * (1 + bonus) < 100 %`.
    function _coversBonus(uint16 thresholdBps, uint16 bonusBps) internal pure returns (bool) {
        return uint256(thresholdBps) * (BPS + bonusBps) < BPS * BPS;
    }

    /// @dev Recognises the account's bad debt at `price`: the uncovered value `debt - collateral`,
    /// attributed to each debt asset in proportion to its share of the debt, rounded up. Emits a
    /// margin warning for a debt at or above `marginWarningBps` of the liquidation limit.
    function _assess(address account, uint256 price) internal {
        (uint256 collateralValue, uint256 debtValue,, uint256 liquidationLimit) = _health(account, price);
        if (debtValue != 0 && debtValue * BPS >= liquidationLimit * marginWarningBps) {
            emit MarginWarning(account, debtValue, liquidationLimit);
        }
        uint256 uncovered = debtValue > collateralValue ? debtValue - collateralValue : 0;
        uint256[2] memory bad;
        bool changed;
        for (uint256 k = 0; k < 2; ++k) {
            if (uncovered != 0) bad[k] = Math.mulDiv(_debts[account][k], uncovered, debtValue, Math.Rounding.Ceil);
            if (_setBadDebt(account, k, bad[k])) changed = true;
        }
        if (changed) emit BadDebtAssessed(account, bad[0], bad[1]);
    }

    /// @dev Returns whether the account's recognised bad debt in asset `k` changed.
    function _setBadDebt(address account, uint256 k, uint256 amount) internal returns (bool) {
        uint256 previous = _badDebt[account][k];
        if (previous == amount) return false;
        totalBadDebt[k] = totalBadDebt[k] - previous + amount;
        _badDebt[account][k] = amount;
        return true;
    }

    /// @dev Lowers a debt (a repayment, a cancelled borrow). The recognised bad debt is capped at
    /// what remains owed: still an upper bound of the real one at the price last assessed.
    function _reduceDebt(address account, uint256 k, uint256 amount) internal {
        uint256 debt = _debts[account][k] - amount;
        _debts[account][k] = debt;
        totalBorrowed[k] -= amount;
        if (_badDebt[account][k] > debt) _setBadDebt(account, k, debt);
        if (debt == 0 && _debts[account][1 - k] == 0) _borrowers.remove(account);
    }

    /// @dev Takes a volatility sample at `price` (see `DemoLendingPoolExtension`).
    function _sampleVolatility(uint256 price) internal virtual;

    /// @dev The guarded price of asset 0, sampled for the volatility model; `ok` false: the pool
    /// has halted (see `_onPriceRejected`) and the caller must return without acting.
    function _price() internal returns (bool ok, uint256 price) {
        (ok, price) = _guardedPrice(address(assets[0]));
        if (ok) _sampleVolatility(price);
    }

    /// @dev A released outflow is paid and done. A cancelled one stays the pool's and is undone for
    /// the account it belonged to: a withdrawal's deposit comes back in full; a borrow's debt goes
    /// away, and whatever of it was already repaid is credited back as a deposit.
    function _onLockSettled(uint256 lockId, IERC20 token, uint256 amount, bool paid) internal override {
        uint256 k = token == assets[0] ? 0 : 1;
        lockedOut[k] -= amount;
        PendingOutflow memory pending = _pending[lockId];
        delete _pending[lockId];
        if (paid) return;
        cash[k] += amount;
        address account = pending.account;
        if (account == address(0)) return; // an outflow of no account's (the bug's): the tokens stay
        if (pending.isBorrow) {
            uint256 removed = Math.min(amount, _debts[account][k]);
            _reduceDebt(account, k, removed);
            uint256 refunded = amount - removed;
            _deposits[account][k] += refunded;
            totalDeposits[k] += refunded;
            emit BorrowCancelled(account, k, removed, refunded);
        } else {
            _deposits[account][k] += pending.credit;
            totalDeposits[k] += pending.credit;
            emit WithdrawalCancelled(account, k, pending.credit);
        }
    }
}
