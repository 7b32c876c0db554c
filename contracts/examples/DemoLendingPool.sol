// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts/proxy/utils/UUPSUpgradeable.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

import {CircuitBreaker} from "../guard/CircuitBreaker.sol";
import {IPriceOracle} from "./DemoPriceOracle.sol";

/// @title DemoLendingPool
/// @notice The protocol of `npm run demo`: users deposit two assets and borrow either against the
/// value of all their deposits at an oracle price (cross-margin; each asset's borrow limit and
/// liquidation threshold follow the price's realized volatility between governance's bounds). It
/// is the reference integration of Lifeboat's guard:
/// - every outflow goes through the circuit breaker (rate limits, staged: warn and lock, halt); a
///   cancelled locked outflow is undone completely (a withdrawal's deposit comes back, a borrow's
///   debt goes away);
/// - borrowing, and withdrawing by an account that owes anything, check the account's health at the
///   oracle price, and halt the pool instead of acting on a stale price or one too far from the
///   reference;
/// - its solvency invariants count real collateralisation: debt that the borrower's collateral no
///   longer covers (bad debt, recognised when an account is assessed) is not an asset. They are
///   checked before and after every state change, and a violation puts the pool into safe mode:
///   no deposits, no borrowing, and withdrawals pay the pro-rata share of what the pool actually
///   holds, so every depositor who leaves gets the same fraction; leaving safe mode takes
///   governance;
/// - staged intervention as users see it: positions near their liquidation threshold get margin
///   warnings; as volatility rises the thresholds tighten (a bounded step per update) and, above a
///   level, borrowing stops; above a higher level, or on a bad price or an outflow above the
///   breaker's limit, the pool halts. Unhealthy positions are liquidated (close factor, bonus);
/// - it lives behind an ERC-1967 proxy (UUPS) and only its TimelockController can upgrade it, so
///   new code runs only after a public delay during which a guardian (the timelock's
///   CANCELLER_ROLE) can cancel it. The breaker's `window` is an immutable of the implementation:
///   an upgrade's implementation is constructed with it, in plain sight in the proposal.
/// WARNING: demonstration only; never deploy. It carries one deliberate bug, marked `DELIBERATE
/// BUG` below (`rescueTokens` has no access control), for the demo's attacker.
contract DemoLendingPool is CircuitBreaker, Initializable, UUPSUpgradeable {
    using SafeERC20 for IERC20;
    using EnumerableSet for EnumerableSet.AddressSet;

    uint256 private constant BPS = 10_000;
    /// @dev Fixed point of the volatility: 1e18 is a squared relative return of 1 (100 %^2).
    uint256 private constant WAD = 1e18;
    /// @dev Oracle prices are asset-1 base units per this many asset-0 base units.
    uint256 private constant PRICE_UNIT = 1e18;

    /// @dev Who a locked outflow belongs to, so that cancelling it can undo it.
    struct PendingOutflow {
        address account;
        bool isBorrow;
        /// @dev For a withdrawal: the deposit it consumed (the full amount requested).
        uint256 credit;
    }

    IERC20[2] public assets;
    /// @notice Who may seed positions: the account that deployed the proxy.
    address public owner;
    /// @notice The only account that may upgrade the pool: a TimelockController.
    TimelockController public upgradeTimelock;
    bool public safeMode;

    IPriceOracle public oracle;
    uint256 public referencePrice;
    uint64 public maxStaleness;
    uint16 public maxDeviationBps;

    mapping(address account => uint256[2]) private _deposits;
    mapping(address account => uint256[2]) private _debts;
    /// @dev Recognised bad debt per account and asset: the part of its debt its collateral did not
    /// cover at its last assessment's price (repayments since only cap it at what is still owed).
    mapping(address account => uint256[2]) private _badDebt;
    EnumerableSet.AddressSet private _borrowers;
    uint256[2] public totalDeposits;
    uint256[2] public totalBorrowed;
    /// @notice Recognised bad debt per asset: borrowed, but not counted as an asset.
    uint256[2] public totalBadDebt;
    /// @notice Tokens the pool counts as its own liquid funds.
    uint256[2] public cash;
    /// @notice Outflows locked by the breaker: still in the pool, no longer the pool's.
    uint256[2] public lockedOut;
    mapping(uint256 lockId => PendingOutflow) private _pending;

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

    RiskParams[2] private _risk;
    /// @notice The volatility model (see `VolatilityModel`).
    VolatilityModel public volatilityModel;
    /// @notice EWMA of squared relative returns of the oracle price between samples at least
    /// `interval` apart, WAD: `v <- v + w * (r^2 - v)` with `r = (p - p_prev) / p_prev`.
    uint256 public volatility;
    /// @dev The price and time of the last volatility sample (in `VolatilityUpdated`).
    uint256 private _samplePrice;
    uint64 private _sampledAt;
    /// @notice Largest share of a debt (in one asset) one liquidation may repay, basis points.
    uint16 public closeFactorBps;
    /// @notice Collateral seized on top of the value repaid, basis points of it.
    uint16 public liquidationBonusBps;
    /// @notice Debt at this share of the liquidation limit (basis points) draws a `MarginWarning`.
    uint16 public marginWarningBps;
    /// @notice Whether governance allows liquidations while halted or in safe mode.
    bool public emergencyLiquidations;

    event Deposited(address indexed account, uint256 indexed asset, uint256 amount);
    event Withdrawn(address indexed account, uint256 indexed asset, uint256 amount, uint256 paid);
    event Borrowed(address indexed account, uint256 indexed asset, uint256 amount);
    event Repaid(address indexed account, uint256 indexed asset, uint256 amount);
    event BorrowCancelled(address indexed account, uint256 indexed asset, uint256 debtRemoved, uint256 refunded);
    event WithdrawalCancelled(address indexed account, uint256 indexed asset, uint256 depositRestored);
    /// @notice The account's recognised bad debt changed (to these amounts, per asset).
    event BadDebtAssessed(address indexed account, uint256 badDebt0, uint256 badDebt1);
    event SafeModeEntered(uint256 indexed asset, uint256 assetsHeld, uint256 liabilities);
    event SafeModeExited(address indexed by);
    event Liquidated(
        address indexed liquidator, address indexed borrower, uint256 debtAsset, uint256 repaid, uint256 collateralAsset, uint256 seized
    );
    /// @notice The account's debt is at or above `marginWarningBps` of its liquidation limit.
    event MarginWarning(address indexed account, uint256 debtValue, uint256 liquidationLimit);
    /// @notice A volatility sample: the squared relative return `sample` and the new EWMA.
    event VolatilityUpdated(uint256 volatility, uint256 sample, uint256 price);
    event RiskParamsUpdated(uint256 indexed asset, uint16 ltvBps, uint16 thresholdBps);
    event RiskBoundsSet(uint256 indexed asset, uint16 minLtvBps, uint16 maxLtvBps, uint16 minThresholdBps, uint16 maxThresholdBps);
    /// @notice Governance set the volatility model (read it with `volatilityModel()`).
    event VolatilityModelSet(address indexed by);
    event LiquidationParamsSet(uint16 closeFactorBps, uint16 liquidationBonusBps, uint16 marginWarningBps, bool emergencyLiquidations);
    event OracleGuardSet(IPriceOracle oracle, uint256 referencePrice, uint64 maxStaleness, uint16 maxDeviationBps);

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
    error DemoLendingPoolSafeMode();
    error DemoLendingPoolInvariantsBroken(uint256 asset);
    error DemoLendingPoolOracleUnset();
    error DemoLendingPoolInvalidOracleGuard(IPriceOracle oracle, uint256 referencePrice);
    error DemoLendingPoolPositionHealthy(address borrower, uint256 debtValue, uint256 liquidationLimit);
    error DemoLendingPoolAboveCloseFactor(address borrower, uint256 asset, uint256 repayAmount, uint256 maxRepay);
    error DemoLendingPoolInsufficientCollateral(address borrower, uint256 asset, uint256 seized, uint256 available);
    error DemoLendingPoolBorrowingFrozen(uint256 volatility, uint256 freezeLevel);
    error DemoLendingPoolVolatilityUnset();
    error DemoLendingPoolInvalidRiskParams(uint256 asset);
    error DemoLendingPoolInvalidVolatilityModel();
    error DemoLendingPoolInvalidLiquidationParams(uint16 closeFactorBps, uint16 liquidationBonusBps, uint16 marginWarningBps);

    /// @notice The implementation, with the breaker's rolling `window` (seconds). It cannot be
    /// initialized: only proxies are.
    constructor(uint64 window_) CircuitBreaker(window_, 0) {
        _disableInitializers();
    }

    /// @notice Sets up a proxy (call it in the proxy's constructor): the two assets, governance
    /// (the admin role), the breaker's lock delay and the TimelockController that alone may
    /// upgrade, which must be a contract with a non-zero minimum delay. The caller becomes `owner`.
    /// Liquidations start with a 50 % close factor, a 5 % bonus and margin warnings at 90 % of the
    /// liquidation limit; each asset with a fixed 50 % loan-to-value and 75 % threshold.
    function initialize(IERC20 asset0, IERC20 asset1, address governance, uint64 lockDelay_, TimelockController timelock)
        external
        initializer
    {
        if (address(timelock).code.length == 0 || timelock.getMinDelay() == 0) revert DemoLendingPoolInvalidTimelock(address(timelock));
        assets = [asset0, asset1];
        owner = msg.sender;
        upgradeTimelock = timelock;
        lockDelay = lockDelay_;
        _grantRole(DEFAULT_ADMIN_ROLE, governance);
        closeFactorBps = 5000;
        liquidationBonusBps = 500;
        marginWarningBps = 9000;
        _risk[0] = RiskParams(5000, 7500, 5000, 5000, 7500, 7500);
        _risk[1] = RiskParams(5000, 7500, 5000, 5000, 7500, 7500);
    }

    // Modifiers call private functions so that their code is not copied into every function (the
    // pool must stay under the 24,576-byte code limit).

    modifier validAsset(uint256 asset) {
        _requireValidAsset(asset);
        _;
    }

    modifier nonZero(uint256 amount) {
        _requireNonZero(amount);
        _;
    }

    modifier notInSafeMode() {
        _requireNotInSafeMode();
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

    // ---- governance ------------------------------------------------------------------------------

    /// @notice The oracle guard's parameters: the feed, governance's reference price, the oldest
    /// price accepted (seconds) and the largest deviation from the reference (basis points).
    /// Governance only; the feed and the reference cannot be zero.
    function setOracleGuard(IPriceOracle oracle_, uint256 referencePrice_, uint64 maxStaleness_, uint16 maxDeviationBps_)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        if (address(oracle_) == address(0) || referencePrice_ == 0) revert DemoLendingPoolInvalidOracleGuard(oracle_, referencePrice_);
        oracle = oracle_;
        referencePrice = referencePrice_;
        maxStaleness = maxStaleness_;
        maxDeviationBps = maxDeviationBps_;
        emit OracleGuardSet(oracle_, referencePrice_, maxStaleness_, maxDeviationBps_);
    }

    /// @notice Sets the bounds of `asset`'s borrow limit and liquidation threshold (basis points);
    /// the current values are clamped into them. Governance only. Requires
    /// `minLtv <= maxLtv <= minThreshold <= maxThreshold` (a fresh loan is never liquidatable) and
    /// `maxThreshold * (1 + bonus) < 100 %` (a position just past its threshold still covers the
    /// collateral a liquidation seizes).
    function setRiskParams(uint256 asset, uint16 minLtvBps, uint16 maxLtvBps, uint16 minThresholdBps, uint16 maxThresholdBps)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        validAsset(asset)
    {
        if (
            minLtvBps > maxLtvBps || maxLtvBps > minThresholdBps || minThresholdBps > maxThresholdBps
                || !_coversBonus(maxThresholdBps, liquidationBonusBps)
        ) revert DemoLendingPoolInvalidRiskParams(asset);
        RiskParams storage risk = _risk[asset];
        risk.minLtvBps = minLtvBps;
        risk.maxLtvBps = maxLtvBps;
        risk.minThresholdBps = minThresholdBps;
        risk.maxThresholdBps = maxThresholdBps;
        emit RiskBoundsSet(asset, minLtvBps, maxLtvBps, minThresholdBps, maxThresholdBps);
        _setRisk(asset, uint16(Math.min(Math.max(risk.ltvBps, minLtvBps), maxLtvBps)), uint16(Math.min(Math.max(risk.thresholdBps, minThresholdBps), maxThresholdBps)));
    }

    /// @notice Sets the volatility model (see `VolatilityModel`). Governance only. Requires an
    /// interval, `0 < weight <= 100 %`, `0 < maxStep`, `low < high` and
    /// `0 < freezeBorrow <= haltLevel`. The next sample starts afresh from the price it reads.
    function setVolatilityModel(VolatilityModel calldata model) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (
            model.interval == 0 || model.weightBps == 0 || model.weightBps > BPS || model.maxStepBps == 0 || model.low >= model.high
                || model.freezeBorrow == 0 || model.freezeBorrow > model.haltLevel
        ) revert DemoLendingPoolInvalidVolatilityModel();
        volatilityModel = model;
        _samplePrice = 0;
        _sampledAt = 0;
        emit VolatilityModelSet(msg.sender);
    }

    /// @notice Sets the close factor, the liquidation bonus, the margin-warning level (basis
    /// points) and whether liquidations run while halted or in safe mode. Governance only.
    /// Requires `0 < closeFactor <= 100 %`, `marginWarning <= 100 %`, and every asset's
    /// `maxThreshold * (1 + bonus) < 100 %`.
    function setLiquidationParams(uint16 closeFactorBps_, uint16 liquidationBonusBps_, uint16 marginWarningBps_, bool emergencyLiquidations_)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        if (
            closeFactorBps_ == 0 || closeFactorBps_ > BPS || marginWarningBps_ > BPS
                || !_coversBonus(_risk[0].maxThresholdBps, liquidationBonusBps_) || !_coversBonus(_risk[1].maxThresholdBps, liquidationBonusBps_)
        ) revert DemoLendingPoolInvalidLiquidationParams(closeFactorBps_, liquidationBonusBps_, marginWarningBps_);
        closeFactorBps = closeFactorBps_;
        liquidationBonusBps = liquidationBonusBps_;
        marginWarningBps = marginWarningBps_;
        emergencyLiquidations = emergencyLiquidations_;
        emit LiquidationParamsSet(closeFactorBps_, liquidationBonusBps_, marginWarningBps_, emergencyLiquidations_);
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
    function seedPositions(address[] calldata accounts, uint256[] calldata amounts0, uint256[] calldata amounts1)
        external
        checked
        notInSafeMode
    {
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

    /// @notice Deposits `amount` of `asset`. Refused in safe mode: a new deposit would make up the
    /// shortfall of those already in.
    function deposit(uint256 asset, uint256 amount)
        external
        validAsset(asset)
        nonZero(amount)
        whenNotHalted
        checked
        notInSafeMode
    {
        _deposits[msg.sender][asset] += amount;
        totalDeposits[asset] += amount;
        cash[asset] += amount;
        assets[asset].safeTransferFrom(msg.sender, address(this), amount);
        emit Deposited(msg.sender, asset, amount);
    }

    /// @notice Withdraws `amount` of the caller's deposit. An account that owes anything must stay
    /// healthy (debt value <= 50 % of the value of what remains deposited) at an oracle price the
    /// guard accepts; on a stale or deviating price the pool halts and nothing is paid. In safe mode
    /// it pays `amount * assetsHeld / totalDeposits` (see `assetsHeld`) and the deposit goes down
    /// by the full `amount`: the ratio, and so every leaver's fraction, stays the same. Large
    /// outflows may be locked by the breaker.
    function withdraw(uint256 asset, uint256 amount) external validAsset(asset) nonZero(amount) whenNotHalted checked {
        uint256 deposited = _deposits[msg.sender][asset];
        if (deposited < amount) revert DemoLendingPoolInsufficientDeposit(msg.sender, asset, amount);
        bool indebted = _borrowers.contains(msg.sender);
        uint256 price;
        if (indebted) {
            bool ok;
            (ok, price) = _guardedPrice();
            if (!ok) return; // halted: the call succeeds so that the halt persists, and pays nothing
        }
        uint256 paid = _proRata(asset, amount);
        uint256 available = _liquid(asset);
        if (paid > available) revert DemoLendingPoolInsufficientLiquidity(asset, paid, available);
        _deposits[msg.sender][asset] = deposited - amount;
        totalDeposits[asset] -= amount;
        cash[asset] -= paid;
        if (indebted) {
            _requireHealthy(msg.sender, price);
            _assess(msg.sender, price);
        }
        emit Withdrawn(msg.sender, asset, amount, paid);
        (bool sent, uint256 lockId) = _guardedOutflow(assets[asset], msg.sender, paid);
        if (!sent) {
            lockedOut[asset] += paid;
            _pending[lockId] = PendingOutflow({account: msg.sender, isBorrow: false, credit: amount});
        }
    }

    /// @notice Borrows `amount` of `asset` against the value of all the caller's deposits at the
    /// oracle price, up to the borrow limit (each deposit's value times its asset's current
    /// `ltvBps`). A stale or deviating price halts the pool instead of lending; a volatility above
    /// the model's `freezeBorrow` refuses (`DemoLendingPoolBorrowingFrozen`; the sample that raised
    /// it is undone with the call: `pokeVolatility` records it).
    function borrow(uint256 asset, uint256 amount)
        external
        validAsset(asset)
        nonZero(amount)
        whenNotHalted
        checked
        notInSafeMode
    {
        (bool ok, uint256 price) = _guardedPrice();
        if (!ok) return; // halted: the call succeeds so that the halt persists, and lends nothing
        uint256 freezeLevel = volatilityModel.freezeBorrow;
        if (volatilityModel.interval != 0 && volatility > freezeLevel) revert DemoLendingPoolBorrowingFrozen(volatility, freezeLevel);
        uint256 available = _liquid(asset);
        if (amount > available) revert DemoLendingPoolInsufficientLiquidity(asset, amount, available);
        _debts[msg.sender][asset] += amount;
        totalBorrowed[asset] += amount;
        cash[asset] -= amount;
        _borrowers.add(msg.sender);
        _requireHealthy(msg.sender, price);
        _assess(msg.sender, price);
        emit Borrowed(msg.sender, asset, amount);
        // A borrow's lock pays the borrower when released; cancelling it removes the debt.
        (bool sent, uint256 lockId) = _guardedOutflow(assets[asset], msg.sender, amount);
        if (!sent) {
            lockedOut[asset] += amount;
            _pending[lockId] = PendingOutflow({account: msg.sender, isBorrow: true, credit: 0});
        }
    }

    /// @notice Repays up to the caller's debt in `asset`. Always allowed, in safe mode and halted.
    function repay(uint256 asset, uint256 amount) external validAsset(asset) nonZero(amount) checked {
        uint256 debt = _debts[msg.sender][asset];
        if (amount > debt) revert DemoLendingPoolRepayExceedsDebt(msg.sender, asset, amount, debt);
        _reduceDebt(msg.sender, asset, amount);
        cash[asset] += amount;
        assets[asset].safeTransferFrom(msg.sender, address(this), amount);
        emit Repaid(msg.sender, asset, amount);
    }

    /// @notice Values `accounts` at the oracle price and recognises their bad debt (the part of an
    /// account's debt that its collateral's value no longer covers), which is then not counted as
    /// an asset: enough of it puts the pool into safe mode. Anyone may call it (the watch agent, a
    /// keeper, a depositor); like borrowing, it halts on a price the guard refuses.
    function assess(address[] calldata accounts) external checked {
        (bool ok, uint256 price) = _guardedPrice();
        if (!ok) return;
        for (uint256 i = 0; i < accounts.length; ++i) {
            _assess(accounts[i], price);
        }
    }

    /// @notice Repays `repayAmount` of `borrower`'s debt in `debtAsset` and seizes its collateral in
    /// `collateralAsset` worth `repayAmount * (1 + liquidationBonusBps)` at the guarded price,
    /// credited to the caller's deposit (it leaves through `withdraw`, and so the breaker, like any
    /// deposit). Only for a position whose debt is worth more than its liquidation limit (each
    /// deposit's value times its asset's `thresholdBps`), for at most `closeFactorBps` of the debt in
    /// that asset, and not while halted or in safe mode unless governance allows it
    /// (`emergencyLiquidations`). A stale or deviating price halts the pool instead.
    function liquidate(address borrower, uint256 debtAsset, uint256 repayAmount, uint256 collateralAsset)
        external
        validAsset(debtAsset)
        validAsset(collateralAsset)
        nonZero(repayAmount)
        checked
    {
        if (!emergencyLiquidations) {
            _requireNotHalted();
            _requireNotInSafeMode();
        }
        (bool ok, uint256 price) = _guardedPrice();
        if (!ok) return; // halted: the call succeeds so that the halt persists, and seizes nothing
        _requireLiquidatable(borrower, debtAsset, repayAmount, price);
        uint256 seized = _seizable(debtAsset, repayAmount, collateralAsset, price);
        uint256 available = _deposits[borrower][collateralAsset];
        if (seized > available) revert DemoLendingPoolInsufficientCollateral(borrower, collateralAsset, seized, available);
        _reduceDebt(borrower, debtAsset, repayAmount);
        cash[debtAsset] += repayAmount;
        _deposits[borrower][collateralAsset] = available - seized;
        _deposits[msg.sender][collateralAsset] += seized;
        _assess(borrower, price);
        emit Liquidated(msg.sender, borrower, debtAsset, repayAmount, collateralAsset, seized);
        assets[debtAsset].safeTransferFrom(msg.sender, address(this), repayAmount);
    }

    /// @notice Takes a volatility sample now if `interval` has passed since the last (every read of
    /// a guarded price does too), moving the limits and perhaps halting (see `VolatilityModel`).
    /// Anyone may call it; like `assess`, it halts on a price the guard refuses. A sample emits
    /// `VolatilityUpdated`.
    function pokeVolatility() external {
        if (volatilityModel.interval == 0) revert DemoLendingPoolVolatilityUnset();
        _guardedPrice();
    }

    /// @notice DELIBERATE BUG, for the demo's attacker: meant for the owner to rescue stray tokens,
    /// but anyone can call it, and it takes the pool's own funds. The breaker and the invariants are
    /// what limit the damage. Never copy this function.
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

    /// @notice The account's recognised bad debt per asset (as of its last assessment).
    function badDebtOf(address account) external view returns (uint256[2] memory) {
        return _badDebt[account];
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

    /// @notice The accounts that owe something, for monitors (`lifeboat watch`) and keepers.
    /// WARNING: unbounded; meant for `eth_call`, never for a transaction.
    function borrowers() external view returns (address[] memory) {
        return _borrowers.values();
    }

    /// @notice The value of the account's deposits and of its debts, its borrow limit and its
    /// liquidation limit, in asset-1 base units at the oracle's latest price as it stands
    /// (unguarded: a monitor's view, not a lending decision) and the current risk parameters. The
    /// account may borrow while `debtValue <= borrowLimit`, draws margin warnings once
    /// `debtValue >= liquidationLimit * marginWarningBps / 10_000`, can be liquidated once
    /// `debtValue > liquidationLimit`, and carries bad debt when `debtValue > collateralValue`.
    function accountValues(address account)
        external
        view
        returns (uint256 collateralValue, uint256 debtValue, uint256 borrowLimit, uint256 liquidationLimit)
    {
        if (address(oracle) == address(0)) revert DemoLendingPoolOracleUnset();
        (uint256 price,) = oracle.latestPrice();
        return _health(account, price);
    }

    /// @notice `asset`'s current borrow limit and liquidation threshold and their bounds (0 or 1;
    /// another index panics).
    function riskParams(uint256 asset) external view returns (RiskParams memory) {
        return _risk[asset];
    }


    /// @notice What asset `k`'s depositors can count on: the tokens the pool actually holds for its
    /// books (`min(cash, balance - lockedOut)`) plus loans outstanding minus recognised bad debt.
    function assetsHeld(uint256 k) external view validAsset(k) returns (uint256) {
        return _assetsHeld(k);
    }

    /// @notice Whether asset `k` is solvent: the tokens held cover the books
    /// (`balance >= cash + lockedOut`), and `assetsHeld(k)` covers the deposits.
    function solvent(uint256 k) external view validAsset(k) returns (bool) {
        return _solvent(k);
    }

    /// @notice IGuardedPool: the pool holds two assets.
    function assetCount() external pure returns (uint256) {
        return 2;
    }

    // ---- internals -------------------------------------------------------------------------------

    function _requireValidAsset(uint256 asset) private pure {
        if (asset > 1) revert DemoLendingPoolInvalidAsset(asset);
    }

    function _requireNonZero(uint256 amount) private pure {
        if (amount == 0) revert DemoLendingPoolZeroAmount();
    }

    function _requireNotInSafeMode() private view {
        if (safeMode) revert DemoLendingPoolSafeMode();
    }

    /// @dev Upgrades come only from the timelock: scheduled in public, executable after its delay,
    /// cancellable by its cancellers (guardians) meanwhile. Governance's admin role alone cannot.
    function _authorizeUpgrade(address) internal view override {
        if (msg.sender != address(upgradeTimelock)) revert DemoLendingPoolNotUpgrader(msg.sender);
    }

    /// @dev Tokens of asset `k` the pool holds for its books: never more than it really has.
    function _liquid(uint256 k) private view returns (uint256) {
        uint256 balance = assets[k].balanceOf(address(this));
        uint256 free = balance > lockedOut[k] ? balance - lockedOut[k] : 0;
        return Math.min(cash[k], free);
    }

    function _assetsHeld(uint256 k) private view returns (uint256) {
        return _liquid(k) + totalBorrowed[k] - totalBadDebt[k];
    }

    function _solvent(uint256 k) private view returns (bool) {
        bool booksCovered = assets[k].balanceOf(address(this)) >= cash[k] + lockedOut[k];
        return booksCovered && _assetsHeld(k) >= totalDeposits[k];
    }

    /// @dev What a withdrawal of `amount` pays: all of it while the assets cover the deposits,
    /// else the pro-rata share, rounded down (in favour of those who stay).
    function _proRata(uint256 k, uint256 amount) private view returns (uint256) {
        uint256 held = _assetsHeld(k);
        uint256 owed = totalDeposits[k];
        if (held >= owed) return amount;
        return Math.mulDiv(amount, held, owed);
    }

    function _checkInvariants() private {
        if (safeMode) return;
        for (uint256 k = 0; k < 2; ++k) {
            if (!_solvent(k)) {
                safeMode = true;
                emit SafeModeEntered(k, _assetsHeld(k), totalDeposits[k]);
                return;
            }
        }
    }

    /// @dev Collateral valued down, debt valued up, both in asset-1 base units; the limits weigh
    /// each deposit's value by its asset's current parameters (rounded down).
    function _health(address account, uint256 price)
        private
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

    function _requireHealthy(address account, uint256 price) private view {
        (, uint256 debtValue, uint256 borrowLimit,) = _health(account, price);
        if (debtValue > borrowLimit) revert DemoLendingPoolUndercollateralized(account, debtValue, borrowLimit);
    }

    /// @dev Refuses a liquidation of a position within its liquidation limit, or above the close factor.
    function _requireLiquidatable(address borrower, uint256 debtAsset, uint256 repayAmount, uint256 price) private view {
        (, uint256 debtValue,, uint256 liquidationLimit) = _health(borrower, price);
        if (debtValue <= liquidationLimit) revert DemoLendingPoolPositionHealthy(borrower, debtValue, liquidationLimit);
        uint256 maxRepay = (_debts[borrower][debtAsset] * closeFactorBps) / BPS;
        if (repayAmount > maxRepay) revert DemoLendingPoolAboveCloseFactor(borrower, debtAsset, repayAmount, maxRepay);
    }

    /// @dev Collateral in `collateralAsset` worth `repayAmount` of `debtAsset` plus the bonus,
    /// rounded down.
    function _seizable(uint256 debtAsset, uint256 repayAmount, uint256 collateralAsset, uint256 price) private view returns (uint256) {
        uint256 withBonus = repayAmount * (BPS + liquidationBonusBps);
        if (debtAsset == collateralAsset) return withBonus / BPS;
        if (debtAsset == 0) return Math.mulDiv(withBonus, price, PRICE_UNIT * BPS);
        return Math.mulDiv(withBonus, PRICE_UNIT, price * BPS);
    }

    /// @dev Whether a position at the threshold `thresholdBps` covers a liquidation's seizure:
    /// `threshold * (1 + bonus) < 100 %`.
    function _coversBonus(uint16 thresholdBps, uint16 bonusBps) private pure returns (bool) {
        return uint256(thresholdBps) * (BPS + bonusBps) < BPS * BPS;
    }

    /// @dev Recognises the account's bad debt at `price`: the uncovered value `debt - collateral`,
    /// attributed to each debt asset in proportion to its share of the debt, rounded up. Emits a
    /// margin warning for a debt at or above `marginWarningBps` of the liquidation limit.
    function _assess(address account, uint256 price) private {
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
    function _setBadDebt(address account, uint256 k, uint256 amount) private returns (bool) {
        uint256 previous = _badDebt[account][k];
        if (previous == amount) return false;
        totalBadDebt[k] = totalBadDebt[k] - previous + amount;
        _badDebt[account][k] = amount;
        return true;
    }

    /// @dev Lowers a debt (a repayment, a cancelled borrow). The recognised bad debt is capped at
    /// what remains owed: still an upper bound of the real one at the price last assessed.
    function _reduceDebt(address account, uint256 k, uint256 amount) private {
        uint256 debt = _debts[account][k] - amount;
        _debts[account][k] = debt;
        totalBorrowed[k] -= amount;
        if (_badDebt[account][k] > debt) _setBadDebt(account, k, debt);
        if (debt == 0 && _debts[account][1 - k] == 0) _borrowers.remove(account);
    }

    function _guardedPrice() private returns (bool ok, uint256 price) {
        if (address(oracle) == address(0)) revert DemoLendingPoolOracleUnset();
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
        _sampleVolatility(price);
        return (true, price);
    }

    /// @dev One volatility sample per `interval` at most, from guarded prices only: the squared
    /// relative return since the previous sample, `r^2 = ((p - p_prev) / p_prev)^2` (WAD; a squared
    /// log return would be `ln(p / p_prev)^2`, which equals `r^2` to first order and is smaller
    /// for large rises: the relative return errs on the cautious side for rises), folds into the
    /// EWMA with weight `weightBps`; the limits step toward their target and, at `haltLevel`, the
    /// pool halts (the call goes on: the halt persists).
    function _sampleVolatility(uint256 price) private {
        VolatilityModel memory model = volatilityModel;
        if (model.interval == 0) return;
        uint256 previous = _samplePrice;
        if (previous != 0 && block.timestamp < uint256(_sampledAt) + model.interval) return;
        _samplePrice = price;
        _sampledAt = uint64(block.timestamp);
        if (previous == 0) return; // the first sample only sets the starting price
        // Capped at 100 (10,000 %): no price the guard lets through can make the EWMA overflow.
        uint256 r = Math.min(Math.mulDiv(price > previous ? price - previous : previous - price, WAD, previous), 100 * WAD);
        uint256 sample = Math.mulDiv(r, r, WAD);
        uint256 v = (volatility * (BPS - model.weightBps) + sample * model.weightBps) / BPS;
        volatility = v;
        emit VolatilityUpdated(v, sample, price);
        for (uint256 k = 0; k < 2; ++k) {
            RiskParams memory risk = _risk[k];
            _setRisk(
                k,
                _step(risk.ltvBps, _target(v, model, risk.minLtvBps, risk.maxLtvBps), model.maxStepBps),
                _step(risk.thresholdBps, _target(v, model, risk.minThresholdBps, risk.maxThresholdBps), model.maxStepBps)
            );
        }
        if (v >= model.haltLevel) _halt("volatility above the halt level");
    }

    /// @dev `max` at or below `low`, `min` at or above `high`, linear in between (rounded down:
    /// toward the tighter value).
    function _target(uint256 v, VolatilityModel memory model, uint16 min, uint16 max) private pure returns (uint16) {
        if (v <= model.low) return max;
        if (v >= model.high) return min;
        return uint16(max - Math.mulDiv(max - min, v - model.low, model.high - model.low, Math.Rounding.Ceil));
    }

    /// @dev `current` moved toward `target` by at most `maxStep`.
    function _step(uint16 current, uint16 target, uint16 maxStep) private pure returns (uint16) {
        if (target > current) return uint16(Math.min(target, uint256(current) + maxStep));
        return uint16(Math.max(target, uint256(current) - Math.min(current, maxStep)));
    }

    function _setRisk(uint256 k, uint16 ltvBps, uint16 thresholdBps) private {
        RiskParams storage risk = _risk[k];
        if (risk.ltvBps == ltvBps && risk.thresholdBps == thresholdBps) return;
        risk.ltvBps = ltvBps;
        risk.thresholdBps = thresholdBps;
        emit RiskParamsUpdated(k, ltvBps, thresholdBps);
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
