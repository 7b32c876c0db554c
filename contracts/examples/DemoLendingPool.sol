// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts/proxy/utils/UUPSUpgradeable.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";
import {DemoLendingPoolCore} from "./DemoLendingPoolCore.sol";
import {DemoLendingPoolExtension} from "./DemoLendingPoolExtension.sol";

/// @title DemoLendingPool
/// @author Lifeboat
/// @notice The protocol of `npm run demo`: users deposit two assets and borrow either against the
/// value of all their deposits at an oracle price (cross-margin; each asset's borrow limit and
/// liquidation threshold follow the price's realized volatility between governance's bounds). It
/// is the reference integration of Lifeboat's guard:
/// - every outflow goes through the circuit breaker (rate limits, staged: warn and lock, halt); a
///   cancelled locked outflow is undone completely (a withdrawal's deposit comes back, a borrow's
///   debt goes away);
/// - borrowing, and withdrawing by an account that owes anything, check the account's health at the
///   price of asset 0 that the oracle guard (`OracleGuard`: the median of governance's feeds, each
///   fresh, agreeing, near the reference) accepts, and halt the pool instead of acting on a price
///   it refuses;
/// - its solvency invariants count real collateralisation: debt that the borrower's collateral no
///   longer covers (bad debt, recognised when an account is assessed) is not an asset. They are
///   checked before and after every state change, and a violation puts the pool into safe mode
///   (`SafeMode`; invariant `k + 1` is asset `k`'s solvency):
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
contract DemoLendingPool is DemoLendingPoolCore, Initializable, UUPSUpgradeable {
    using SafeERC20 for IERC20;
    using EnumerableSet for EnumerableSet.AddressSet;

    /// @notice Where the governance setters, seeding, assessment and liquidations run (by
    /// delegatecall, on this pool's storage): deployed with this implementation.
    address public immutable EXTENSION;

    /// @notice The implementation, with the breaker's rolling `window` (seconds), and its
    /// extension. It cannot be initialized: only proxies are.
    /// @param window_ the circuit breaker's rolling window, seconds
    constructor(uint64 window_) DemoLendingPoolCore(window_) {
        EXTENSION = address(new DemoLendingPoolExtension(window_));
        _disableInitializers();
    }

    /// @notice Sets up a proxy (call it in the proxy's constructor): the two assets, governance
    /// (the admin role), the breaker's lock delay and the TimelockController that alone may
    /// upgrade, which must be a contract with a non-zero minimum delay. The caller becomes `owner`.
    /// Liquidations start with a 50 % close factor, a 5 % bonus and margin warnings at 90 % of the
    /// liquidation limit; each asset with a fixed 50 % loan-to-value and 75 % threshold.
    /// @param asset0 the first asset (the one the oracle prices)
    /// @param asset1 the second asset (the unit of prices and values)
    /// @param governance receives the admin role: limits, oracle, risk parameters, resume, safe-mode exit
    /// @param lockDelay_ how long the breaker keeps a warned outflow locked, in seconds
    /// @param timelock the only account that may upgrade the pool
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

    /// @notice Deposits `amount` of `asset`. Refused in safe mode: a new deposit would make up the
    /// shortfall of those already in.
    /// @param asset the asset: 0 or 1
    /// @param amount base units, taken from the caller (approve the pool first)
    function deposit(uint256 asset, uint256 amount)
        external
        validAsset(asset)
        nonZero(amount)
        whenNotHalted
        checked
        whenNotInSafeMode
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
    /// @param asset the asset: 0 or 1
    /// @param amount base units of the caller's deposit to give up (what is paid may be less in safe mode)
    function withdraw(uint256 asset, uint256 amount) external validAsset(asset) nonZero(amount) whenNotHalted checked {
        uint256 deposited = _deposits[msg.sender][asset];
        if (deposited < amount) revert DemoLendingPoolInsufficientDeposit(msg.sender, asset, amount);
        bool indebted = _borrowers.contains(msg.sender);
        uint256 price;
        if (indebted) {
            bool ok;
            (ok, price) = _price();
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
    /// @param asset the asset: 0 or 1
    /// @param amount base units to borrow
    function borrow(uint256 asset, uint256 amount)
        external
        validAsset(asset)
        nonZero(amount)
        whenNotHalted
        checked
        whenNotInSafeMode
    {
        (bool ok, uint256 price) = _price();
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
    /// @param asset the asset: 0 or 1
    /// @param amount base units of the caller's debt to repay (at most the debt)
    function repay(uint256 asset, uint256 amount) external validAsset(asset) nonZero(amount) checked {
        uint256 debt = _debts[msg.sender][asset];
        if (amount > debt) revert DemoLendingPoolRepayExceedsDebt(msg.sender, asset, amount, debt);
        _reduceDebt(msg.sender, asset, amount);
        cash[asset] += amount;
        assets[asset].safeTransferFrom(msg.sender, address(this), amount);
        emit Repaid(msg.sender, asset, amount);
    }

    /// @notice The account's deposit of `asset`.
    /// @param account the depositor
    /// @param asset the asset: 0 or 1
    function depositOf(address account, uint256 asset) external view returns (uint256) {
        return _deposits[account][asset];
    }

    /// @notice The account's debt in `asset`.
    /// @param account the borrower
    /// @param asset the asset: 0 or 1
    function debtOf(address account, uint256 asset) external view returns (uint256) {
        return _debts[account][asset];
    }

    /// @notice The account's recognised bad debt per asset (as of its last assessment).
    /// @param account the borrower
    function badDebtOf(address account) external view returns (uint256[2] memory) {
        return _badDebt[account];
    }

    /// @notice Deposits and debts of many accounts at once, per asset: what the operator reads at
    /// the pre-incident block, one call per batch of accounts.
    /// @param accounts the accounts to read
    /// @return deposits each account's deposits, per asset
    /// @return debts each account's debts, per asset
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
    /// liquidation limit, in asset-1 base units at the oracle guard's price (reverting with the
    /// guard's refusal when it refuses one) and the current risk parameters. The
    /// account may borrow while `debtValue <= borrowLimit`, draws margin warnings once
    /// `debtValue >= liquidationLimit * marginWarningBps / 10_000`, can be liquidated once
    /// `debtValue > liquidationLimit`, and carries bad debt when `debtValue > collateralValue`.
    /// @param account the account
    /// @return collateralValue its deposits' value, asset-1 base units, rounded down
    /// @return debtValue its debts' value, rounded up
    /// @return borrowLimit what it may owe: each deposit's value times its asset's `ltvBps`
    /// @return liquidationLimit what it may owe before it can be liquidated (with `thresholdBps`)
    function accountValues(address account)
        external
        view
        returns (uint256 collateralValue, uint256 debtValue, uint256 borrowLimit, uint256 liquidationLimit)
    {
        return _health(account, _requirePrice(address(assets[0])));
    }

    /// @notice `asset`'s current borrow limit and liquidation threshold and their bounds (0 or 1;
    /// another index panics).
    /// @param asset the asset: 0 or 1
    function riskParams(uint256 asset) external view returns (RiskParams memory) {
        return _risk[asset];
    }

    /// @notice What asset `k`'s depositors can count on: the tokens the pool actually holds for its
    /// books (`min(cash, balance - lockedOut)`) plus loans outstanding minus recognised bad debt.
    /// @param k the asset: 0 or 1
    function assetsHeld(uint256 k) external view validAsset(k) returns (uint256) {
        return _assetsHeld(k);
    }

    /// @notice Whether asset `k` is solvent: the tokens held cover the books
    /// (`balance >= cash + lockedOut`), and `assetsHeld(k)` covers the deposits.
    /// @param k the asset: 0 or 1
    function solvent(uint256 k) external view validAsset(k) returns (bool) {
        return _solvent(k);
    }

    /// @notice IGuardedPool: the pool holds two assets.
    function assetCount() external pure returns (uint256) {
        return 2;
    }

    /// @dev Upgrades come only from the timelock: scheduled in public, executable after its delay,
    /// cancellable by its cancellers (guardians) meanwhile. Governance's admin role alone cannot.
    function _authorizeUpgrade(address) internal view override {
        if (msg.sender != address(upgradeTimelock)) revert DemoLendingPoolNotUpgrader(msg.sender);
    }

    // ---- run by the extension -------------------------------------------------------------------

    /// @notice `DemoLendingPoolExtension.setOracle`, run on this pool's storage (see there).
    function setOracle(AggregatorV3Interface[] calldata, uint32[] calldata, uint8, uint16) external {
        _delegateToExtension();
    }

    /// @notice `DemoLendingPoolExtension.setReferencePrice`, run on this pool's storage (see there).
    function setReferencePrice(uint256, uint16) external {
        _delegateToExtension();
    }

    /// @notice `DemoLendingPoolExtension.setRiskParams`, run on this pool's storage (see there).
    function setRiskParams(uint256, uint16, uint16, uint16, uint16) external {
        _delegateToExtension();
    }

    /// @notice `DemoLendingPoolExtension.setVolatilityModel`, run on this pool's storage (see there).
    function setVolatilityModel(VolatilityModel calldata) external {
        _delegateToExtension();
    }

    /// @notice `DemoLendingPoolExtension.setLiquidationParams`, run on this pool's storage (see there).
    function setLiquidationParams(uint16, uint16, uint16, bool) external {
        _delegateToExtension();
    }

    /// @notice `DemoLendingPoolExtension.seedPositions`, run on this pool's storage (see there).
    function seedPositions(address[] calldata, uint256[] calldata, uint256[] calldata) external {
        _delegateToExtension();
    }

    /// @notice `DemoLendingPoolExtension.assess`, run on this pool's storage (see there).
    function assess(address[] calldata) external {
        _delegateToExtension();
    }

    /// @notice `DemoLendingPoolExtension.liquidate`, run on this pool's storage (see there).
    function liquidate(address, uint256, uint256, uint256) external {
        _delegateToExtension();
    }

    /// @notice `DemoLendingPoolExtension.exitSafeMode`, run on this pool's storage (see there).
    function exitSafeMode() external {
        _delegateToExtension();
    }

    /// @notice `DemoLendingPoolExtension.pokeVolatility`, run on this pool's storage (see there).
    function pokeVolatility() external {
        _delegateToExtension();
    }

    /// @notice `DemoLendingPoolExtension.rescueTokens`, run on this pool's storage (see there).
    function rescueTokens(uint256, address, uint256) external {
        _delegateToExtension();
    }

    /// @dev The volatility model lives in the extension (see `DemoLendingPoolExtension.sampleVolatility`).
    function _sampleVolatility(uint256 price) internal override {
        Address.functionDelegateCall(EXTENSION, abi.encodeCall(DemoLendingPoolExtension.sampleVolatility, (price)));
    }

    /// @dev Runs the call (same selector, same arguments) in the extension on this pool's storage,
    /// bubbling its revert. Every stub above returns nothing.
    function _delegateToExtension() private {
        Address.functionDelegateCall(EXTENSION, msg.data);
    }
}
