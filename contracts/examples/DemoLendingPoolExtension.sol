// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";
import {DemoLendingPoolCore} from "./DemoLendingPoolCore.sol";

/// @title DemoLendingPoolExtension
/// @author Lifeboat
/// @notice The demo pool's governance setters, position seeding, assessment and liquidations. The
/// pool (`DemoLendingPool`) deploys one with its implementation and runs these functions on its own
/// storage by delegatecall (as Compound III's `CometExt`), so that the pool stays under the
/// 24,576-byte code limit; call them on the pool, whose ABI declares them.
/// @dev Called directly, the extension acts on its own empty storage and holds nothing: never
/// send it tokens or grant it roles. WARNING: demonstration only.
contract DemoLendingPoolExtension is DemoLendingPoolCore {
    using SafeERC20 for IERC20;

    /// @param window_ the pool's circuit-breaker window (an immutable, so it must match the pool's)
    /// @notice Deployed by the pool's implementation constructor, with the same window.
    constructor(uint64 window_) DemoLendingPoolCore(window_) {}

    /// @notice Sets the feeds of the price of asset 0 in asset 1 (18 decimals once normalised:
    /// asset-1 base units per 1e18 asset-0 base units), each with its oldest accepted age in
    /// seconds, the fewest valid answers a price needs and the largest spread among them (basis
    /// points). Governance only; see `OracleGuard._setOracle` for the checks.
    /// @param feeds Chainlink-style feeds of asset 0's price in asset 1 (1..MAX_FEEDS, distinct)
    /// @param maxAges each feed's oldest accepted answer, in seconds
    /// @param minValidFeeds the fewest valid answers a price needs
    /// @param maxSpreadBps the largest (highest - lowest) / median among valid answers, basis points
    function setOracle(AggregatorV3Interface[] calldata feeds, uint32[] calldata maxAges, uint8 minValidFeeds, uint16 maxSpreadBps)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        _setOracle(address(assets[0]), feeds, maxAges, minValidFeeds, maxSpreadBps);
    }

    /// @notice Sets governance's reference price of asset 0 (same unit as the feeds) and the
    /// largest deviation of the median from it (basis points); `(0, 0)` turns the check off.
    /// Governance only.
    /// @param referencePrice the reference, 18 decimals (0 with a 0 bound: no reference)
    /// @param maxDeviationBps the largest |median - reference| / reference, basis points
    function setReferencePrice(uint256 referencePrice, uint16 maxDeviationBps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setReferencePrice(address(assets[0]), referencePrice, maxDeviationBps);
    }

    /// @notice Sets the bounds of `asset`'s borrow limit and liquidation threshold (basis points);
    /// the current values are clamped into them. Governance only. Requires
    /// `minLtv <= maxLtv <= minThreshold <= maxThreshold` (a fresh loan is never liquidatable) and
    /// `maxThreshold * (1 + bonus) < 100 %` (a position just past its threshold still covers the
    /// collateral a liquidation seizes).
    /// @param asset the asset: 0 or 1
    /// @param minLtvBps the lowest borrow limit, basis points
    /// @param maxLtvBps the highest borrow limit
    /// @param minThresholdBps the lowest liquidation threshold
    /// @param maxThresholdBps the highest liquidation threshold
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
    /// @param model the interval, weight, step and levels (see `VolatilityModel`)
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
    /// @param closeFactorBps_ the largest share of a debt one liquidation may repay, basis points
    /// @param liquidationBonusBps_ the collateral bonus, basis points of the value repaid
    /// @param marginWarningBps_ debt at this share of the liquidation limit draws a margin warning
    /// @param emergencyLiquidations_ whether liquidations run while halted or in safe mode
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

    /// @notice Migrates existing positions in bulk (the owner supplies the tokens): lets the demo
    /// start from a thousand accounts without a thousand deposit transactions. Each position is
    /// announced with `Deposited`, so indexers find every depositor from the logs alone.
    /// @param accounts the depositors
    /// @param amounts0 each one's deposit of asset 0
    /// @param amounts1 each one's deposit of asset 1
    function seedPositions(address[] calldata accounts, uint256[] calldata amounts0, uint256[] calldata amounts1)
        external
        checked
        whenNotInSafeMode
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

    /// @notice Values `accounts` at the oracle price and recognises their bad debt (the part of an
    /// account's debt that its collateral's value no longer covers), which is then not counted as
    /// an asset: enough of it puts the pool into safe mode. Anyone may call it (the watch agent, a
    /// keeper, a depositor); like borrowing, it halts on a price the guard refuses.
    /// @param accounts the accounts to value and assess
    function assess(address[] calldata accounts) external checked {
        (bool ok, uint256 price) = _price();
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
    /// @param borrower the unhealthy position
    /// @param debtAsset the asset of the debt repaid (0 or 1)
    /// @param repayAmount base units repaid, taken from the caller
    /// @param collateralAsset the asset seized (0 or 1)
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
        (bool ok, uint256 price) = _price();
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

    /// @notice Leaves safe mode once the invariants hold again (else `SafeModeInvariantBroken`).
    /// Governance only.
    function exitSafeMode() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _exitSafeMode();
    }

    /// @notice Takes a volatility sample now if `interval` has passed since the last (every read of
    /// a guarded price does too), moving the limits and perhaps halting (see `VolatilityModel`).
    /// Anyone may call it; like `assess`, it halts on a price the guard refuses. A sample emits
    /// `VolatilityUpdated`.
    function pokeVolatility() external {
        if (volatilityModel.interval == 0) revert DemoLendingPoolVolatilityUnset();
        _price();
    }

    /// @notice DELIBERATE BUG, for the demo's attacker: meant for the owner to rescue stray tokens,
    /// but anyone can call it, and it takes the pool's own funds. The breaker and the invariants are
    /// what limit the damage. Never copy this function.
    /// @param asset the asset: 0 or 1
    /// @param to who receives the tokens
    /// @param amount base units taken from the pool
    function rescueTokens(uint256 asset, address to, uint256 amount) external validAsset(asset) whenNotHalted checked {
        cash[asset] -= amount;
        (bool sent,) = _guardedOutflow(assets[asset], to, amount);
        if (!sent) lockedOut[asset] += amount;
    }

    /// @notice Takes a volatility sample at `price`: the pool's own price path (borrow, withdraw)
    /// runs it here by delegatecall after the oracle guard accepted `price`.
    /// @dev Not declared by the pool, so no caller can reach it on the pool's storage; called on the
    /// extension directly it only changes the extension's own (unused) storage.
    /// @param price the guarded price of asset 0
    function sampleVolatility(uint256 price) external {
        _sampleVolatility(price);
    }

    /// @dev One volatility sample per `interval` at most, from guarded prices only: the squared
    /// relative return since the previous sample, `r^2 = ((p - p_prev) / p_prev)^2` (WAD; a squared
    /// log return would be `ln(p / p_prev)^2`, which equals `r^2` to first order and is smaller
    /// for large rises: the relative return errs on the cautious side for rises), folds into the
    /// EWMA with weight `weightBps`; the limits step toward their target and, at `haltLevel`, the
    /// pool halts (the call goes on: the halt persists).
    function _sampleVolatility(uint256 price) internal override {
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
    function _target(uint256 v, VolatilityModel memory model, uint16 min, uint16 max) internal pure returns (uint16) {
        if (v <= model.low) return max;
        if (v >= model.high) return min;
        return uint16(max - Math.mulDiv(max - min, v - model.low, model.high - model.low, Math.Rounding.Ceil));
    }

    /// @dev `current` moved toward `target` by at most `maxStep`.
    function _step(uint16 current, uint16 target, uint16 maxStep) internal pure returns (uint16) {
        if (target > current) return uint16(Math.min(target, uint256(current) + maxStep));
        return uint16(Math.max(target, uint256(current) - Math.min(current, maxStep)));
    }

    function _setRisk(uint256 k, uint16 ltvBps, uint16 thresholdBps) internal {
        RiskParams storage risk = _risk[k];
        if (risk.ltvBps == ltvBps && risk.thresholdBps == thresholdBps) return;
        risk.ltvBps = ltvBps;
        risk.thresholdBps = thresholdBps;
        emit RiskParamsUpdated(k, ltvBps, thresholdBps);
    }
}
