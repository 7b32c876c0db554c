// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Turned off for this test contract only:
// use-natspec: a test contract: NatSpec at contract level is enough.
// immutable-vars-naming: test fixtures keep the getter names the tests and ERC-20 use.
/* solhint-disable use-natspec, immutable-vars-naming */

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";
import {OracleGuard} from "../guard/OracleGuard.sol";
import {SafeMode} from "../guard/SafeMode.sol";

/// @notice The smallest lending protocol that integrates SafeMode and OracleGuard, for their tests
/// and as the worked example of docs/guard.md: deposit collateral, borrow the loan token against
/// it at the guarded price (50 % loan-to-value), repay, withdraw. `skim` is a planted bug that lets
/// anyone take tokens, so the invariants can break. Governance (DEFAULT_ADMIN_ROLE) configures the
/// oracle, leaves safe mode and resumes after a halt; guardians (GUARDIAN_ROLE) may only halt.
contract MockGuardedProtocol is AccessControl, SafeMode, OracleGuard {
    using SafeERC20 for IERC20;

    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    uint256 public constant LTV_BPS = 5_000;
    /// @notice Invariant 1: collateral held covers collateral owed to depositors.
    uint256 public constant INVARIANT_COLLATERAL_HELD = 1;
    /// @notice Invariant 2: loan tokens held cover the protocol's loan-token cash.
    uint256 public constant INVARIANT_CASH_HELD = 2;

    IERC20 public immutable collateral;
    IERC20 public immutable loanToken;

    bool public halted;
    uint256 public totalCollateral;
    uint256 public cash;
    uint256 public totalDebt;
    mapping(address account => uint256) public collateralOf;
    mapping(address account => uint256) public debtOf;

    event Halted(address indexed by, string reason);
    event Resumed(address indexed by);

    error MockGuardedProtocolHalted();
    error MockGuardedProtocolOutstandingDebt(address account, uint256 debt);
    error MockGuardedProtocolInsufficientCollateral(address account, uint256 requested, uint256 available);
    error MockGuardedProtocolUndercollateralized(address account, uint256 requested, uint256 allowed);

    constructor(IERC20 collateral_, IERC20 loanToken_, address governance) {
        collateral = collateral_;
        loanToken = loanToken_;
        _grantRole(DEFAULT_ADMIN_ROLE, governance);
    }

    modifier whenNotHalted() {
        if (halted) revert MockGuardedProtocolHalted();
        _;
    }

    // ---- governance and guardians --------------------------------------------------------------

    function setOracle(AggregatorV3Interface[] calldata feeds, uint32[] calldata maxAges, uint8 minValidFeeds, uint16 maxSpreadBps)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        _setOracle(address(collateral), feeds, maxAges, minValidFeeds, maxSpreadBps);
    }

    function setReferencePrice(uint256 referencePrice, uint16 maxDeviationBps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setReferencePrice(address(collateral), referencePrice, maxDeviationBps);
    }

    function exitSafeMode() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _exitSafeMode();
    }

    function resume() external onlyRole(DEFAULT_ADMIN_ROLE) {
        halted = false;
        emit Resumed(msg.sender);
    }

    function halt(string calldata reason) external onlyRole(GUARDIAN_ROLE) {
        _halt(reason);
    }

    /// @notice A guardian puts the protocol into withdraw-only mode by hand, with a reason id of
    /// its own (invariant ids are 1 and 2; use, say, 100 for "exploit seen elsewhere").
    function enterSafeMode(uint256 reasonId) external onlyRole(GUARDIAN_ROLE) {
        _enterSafeMode(reasonId);
    }

    // ---- users ---------------------------------------------------------------------------------

    /// @notice Adds loan-token liquidity (a lender, or governance recapitalising).
    function supply(uint256 amount) external checksInvariants {
        cash += amount;
        loanToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    function deposit(uint256 amount) external whenNotHalted whenNotInSafeMode checksInvariants {
        collateralOf[msg.sender] += amount;
        totalCollateral += amount;
        collateral.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Borrows against the caller's collateral at the guarded price. A refused price halts
    /// the protocol and lends nothing (the call succeeds, so the halt persists).
    function borrow(uint256 amount) external whenNotHalted whenNotInSafeMode checksInvariants {
        (bool ok, uint256 price) = _guardedPrice(address(collateral));
        if (!ok) return;
        uint256 allowed = (((collateralOf[msg.sender] * price) / 1e18) * LTV_BPS) / 10_000;
        if (debtOf[msg.sender] + amount > allowed) revert MockGuardedProtocolUndercollateralized(msg.sender, amount, allowed);
        debtOf[msg.sender] += amount;
        totalDebt += amount;
        cash -= amount;
        loanToken.safeTransfer(msg.sender, amount);
    }

    /// @notice Open in safe mode.
    function repay(uint256 amount) external checksInvariants {
        debtOf[msg.sender] -= amount;
        totalDebt -= amount;
        cash += amount;
        loanToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Open in safe mode, where it pays the pro-rata share of what is left.
    function withdraw(uint256 amount) external whenNotHalted checksInvariants {
        if (debtOf[msg.sender] != 0) revert MockGuardedProtocolOutstandingDebt(msg.sender, debtOf[msg.sender]);
        if (collateralOf[msg.sender] < amount) revert MockGuardedProtocolInsufficientCollateral(msg.sender, amount, collateralOf[msg.sender]);
        uint256 paid = amount;
        if (safeMode()) {
            uint256 held = collateral.balanceOf(address(this));
            if (held < totalCollateral) paid = (amount * held) / totalCollateral;
        }
        collateralOf[msg.sender] -= amount;
        totalCollateral -= amount;
        collateral.safeTransfer(msg.sender, paid);
    }

    /// @notice The planted bug: anyone can take the protocol's tokens.
    function skim(IERC20 token, address to, uint256 amount) external checksInvariants {
        token.safeTransfer(to, amount);
    }

    // ---- views ---------------------------------------------------------------------------------

    /// @notice What `account` could borrow now; reverts with the oracle's refusal if the price is refused.
    function maxBorrow(address account) external view returns (uint256) {
        uint256 allowed = (((collateralOf[account] * _requirePrice(address(collateral))) / 1e18) * LTV_BPS) / 10_000;
        return allowed > debtOf[account] ? allowed - debtOf[account] : 0;
    }

    // ---- hooks ---------------------------------------------------------------------------------

    function _brokenInvariant() internal view override returns (uint256) {
        // Withdrawals in safe mode pay pro rata, so "held >= owed" is the invariant outside it.
        if (collateral.balanceOf(address(this)) < totalCollateral) return INVARIANT_COLLATERAL_HELD;
        if (loanToken.balanceOf(address(this)) < cash) return INVARIANT_CASH_HELD;
        return 0;
    }

    function _onPriceRejected(address, bytes memory) internal override {
        _halt("oracle price refused");
    }

    function _halt(string memory reason) private {
        halted = true;
        emit Halted(msg.sender, reason);
    }
}
