// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";

/// @title CircuitBreaker
/// @author Lifeboat
/// @notice Outflow rate limiting in the spirit of ERC-7265, with staged intervention. Every token
/// leaving the protected contract goes through `_guardedOutflow`, which sums each asset's outflow
/// over an exact rolling window: the outflows whose timestamps lie in `(now - window, now]`:
/// - up to the warning limit, the transfer happens at once;
/// - above it, a warning is emitted and the outflow is locked: its recipient can release it after
///   `lockDelay`, unless the contract has halted by then (delayed settlement);
/// - above the halt limit, the contract halts and the outflow stays locked (and is not counted).
/// Bounds, for limits that do not change in between: within any `window` consecutive seconds, the
/// outflows sent at once sum to at most the warning limit, and the outflows sent or locked by a
/// warning to at most the halt limit. Both are tight (two outflows `window` seconds apart are in
/// different windows). Releasing a lock later does not count again: it was counted when locked.
/// A halt never reverts the call that caused it, so it persists. Limits and the delay are set by
/// governance (DEFAULT_ADMIN_ROLE, a TimelockController in production); guardians may only halt;
/// only governance resumes.
abstract contract CircuitBreaker is AccessControl {
    using SafeERC20 for IERC20;
    using Checkpoints for Checkpoints.Trace208;

    /// @notice May halt the contract (the emergency multisig, the watch agent through it).
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    struct Limits {
        uint128 warn;
        uint128 halt;
    }

    struct LockedOutflow {
        IERC20 token;
        address recipient;
        uint128 amount;
        uint64 releaseAt;
        bool settled;
    }

    /// @notice The rolling window outflows are summed over, in seconds.
    /// @dev Named as the breaker's ABI (`window()`, read by watchers and the docs), not in SNAKE_CASE.
    uint64 public immutable window; // solhint-disable-line immutable-vars-naming
    /// @notice How long a warned outflow stays locked before its recipient may release it, in seconds.
    uint64 public lockDelay;
    /// @notice Whether the protected contract is halted (guarded outflows refused until governance resumes).
    bool public halted;

    mapping(IERC20 token => Limits) private _limits;
    /// @dev Per token, the cumulative outflow counted by the breaker, checkpointed by timestamp.
    mapping(IERC20 token => Checkpoints.Trace208) private _cumulativeOutflow;
    LockedOutflow[] private _locked;

    /// @notice Governance set a token's limits.
    /// @param token the rate-limited token
    /// @param warn the warning limit per window
    /// @param halt the halt limit per window
    event BreakerLimitsSet(IERC20 indexed token, uint128 warn, uint128 halt);
    /// @notice An outflow took the window above the warning limit: it is locked, not sent.
    /// @param token the token
    /// @param windowOutflow the window's outflow with this one
    /// @param lockId the lock holding it
    /// @param recipient who may release it after the lock delay
    /// @param amount the amount locked
    event BreakerWarning(IERC20 indexed token, uint256 windowOutflow, uint256 lockId, address indexed recipient, uint256 amount);
    /// @notice The contract halted.
    /// @param by who halted it (a guardian, or the caller whose outflow crossed the halt limit)
    /// @param reason why
    event BreakerHalted(address indexed by, string reason);
    /// @notice Governance resumed the contract after a halt.
    /// @param by the governance account
    event BreakerResumed(address indexed by);
    /// @notice Governance set the lock delay.
    /// @param delay the new delay, in seconds
    event BreakerLockDelaySet(uint64 delay);
    /// @notice A locked outflow was paid to its recipient.
    /// @param lockId the lock
    /// @param recipient who was paid
    /// @param amount the amount paid
    event OutflowReleased(uint256 indexed lockId, address indexed recipient, uint256 amount);
    /// @notice Governance cancelled a locked outflow: the tokens stay.
    /// @param lockId the lock
    /// @param recipient who would have been paid
    /// @param amount the amount kept
    event OutflowCancelled(uint256 indexed lockId, address indexed recipient, uint256 amount);

    error CircuitBreakerHalted();
    error CircuitBreakerInvalidLimits(uint128 warn, uint128 halt);
    error CircuitBreakerInvalidWindow(uint64 window);
    error CircuitBreakerUnknownLock(uint256 lockId);
    error CircuitBreakerLockSettled(uint256 lockId);
    error CircuitBreakerLockNotDue(uint256 lockId, uint64 releaseAt);

    constructor(uint64 window_, uint64 lockDelay_) {
        if (window_ == 0) revert CircuitBreakerInvalidWindow(window_);
        window = window_;
        lockDelay = lockDelay_;
    }

    modifier whenNotHalted() {
        _requireNotHalted();
        _;
    }

    /// @notice Sets an asset's outflow limits per window. Governance only; 0 < warn <= halt.
    /// @param token the token to rate-limit
    /// @param warn outflow per window above which outflows are locked
    /// @param haltLimit outflow per window above which the contract halts
    function setLimits(IERC20 token, uint128 warn, uint128 haltLimit) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (warn == 0 || warn > haltLimit) revert CircuitBreakerInvalidLimits(warn, haltLimit);
        _limits[token] = Limits(warn, haltLimit);
        emit BreakerLimitsSet(token, warn, haltLimit);
    }

    /// @notice Sets how long warned outflows stay locked. Governance only.
    /// @param delay how long warned outflows stay locked, in seconds
    function setLockDelay(uint64 delay) external onlyRole(DEFAULT_ADMIN_ROLE) {
        lockDelay = delay;
        emit BreakerLockDelaySet(delay);
    }

    /// @notice Halts every guarded operation. Guardians (and governance).
    /// @param reason why, for the record (emitted in `BreakerHalted`)
    function halt(string calldata reason) external {
        if (!hasRole(GUARDIAN_ROLE, msg.sender) && !hasRole(DEFAULT_ADMIN_ROLE, msg.sender)) {
            revert AccessControlUnauthorizedAccount(msg.sender, GUARDIAN_ROLE);
        }
        _halt(reason);
    }

    /// @notice Resumes after a halt. Governance only.
    function resume() external onlyRole(DEFAULT_ADMIN_ROLE) {
        halted = false;
        emit BreakerResumed(msg.sender);
    }

    /// @notice Pays a locked outflow to its recipient once its delay has passed, if not halted.
    /// @param lockId the lock to release (from `BreakerWarning`)
    function releaseLocked(uint256 lockId) external whenNotHalted {
        LockedOutflow storage lock = _lockAt(lockId);
        if (block.timestamp < lock.releaseAt) revert CircuitBreakerLockNotDue(lockId, lock.releaseAt);
        lock.settled = true;
        _onLockSettled(lockId, lock.token, lock.amount, true);
        emit OutflowReleased(lockId, lock.recipient, lock.amount);
        lock.token.safeTransfer(lock.recipient, lock.amount);
    }

    /// @notice Cancels a locked outflow (an exploit's, say): the tokens stay. Governance only.
    /// @param lockId the lock to cancel
    function cancelLocked(uint256 lockId) external onlyRole(DEFAULT_ADMIN_ROLE) {
        LockedOutflow storage lock = _lockAt(lockId);
        lock.settled = true;
        _onLockSettled(lockId, lock.token, lock.amount, false);
        emit OutflowCancelled(lockId, lock.recipient, lock.amount);
    }

    /// @notice A token's warning and halt limits (zero: not rate-limited).
    /// @param token the token
    function limits(IERC20 token) external view returns (Limits memory) {
        return _limits[token];
    }

    /// @notice A locked outflow: token, recipient, amount, release time and whether it is settled.
    /// @param lockId the lock (reverts `CircuitBreakerUnknownLock` past the last)
    function lockedOutflow(uint256 lockId) external view returns (LockedOutflow memory) {
        return _lockAt(lockId);
    }

    /// @notice How many outflows have ever been locked (lock ids run from 0 to this minus 1).
    function lockedCount() external view returns (uint256) {
        return _locked.length;
    }

    /// @notice The asset's outflow counted in the rolling window: the outflows of the last `window`
    /// seconds, this one included (timestamps in `(block.timestamp - window, block.timestamp]`).
    /// @param token the token
    function windowOutflow(IERC20 token) public view returns (uint256) {
        Checkpoints.Trace208 storage trace = _cumulativeOutflow[token];
        // Outflows at or before the cutoff are out of the window (before the chain is `window`
        // seconds old, the cutoff is 0 and every outflow is in).
        uint48 cutoff = SafeCast.toUint48(Math.saturatingSub(block.timestamp, window));
        return trace.latest() - trace.upperLookupRecent(cutoff);
    }

    /// @dev Sends `amount` of `token` to `to` now, or locks it (warning), or locks it and halts.
    /// Returns whether it was sent and, if not, the lock's id. A lock made by a halt can only be
    /// cancelled by governance. Assets without limits are not rate-limited.
    function _guardedOutflow(IERC20 token, address to, uint256 amount) internal returns (bool sent, uint256 lockId) {
        Limits memory limit = _limits[token];
        uint256 flow = windowOutflow(token) + amount;
        if (limit.halt != 0 && flow > limit.halt) {
            _halt("outflow above the halt limit");
            return (false, _lock(token, to, amount, type(uint64).max));
        }
        _record(token, amount);
        if (limit.warn != 0 && flow > limit.warn) {
            lockId = _lock(token, to, amount, uint64(block.timestamp) + lockDelay);
            emit BreakerWarning(token, flow, lockId, to, amount);
            return (false, lockId);
        }
        token.safeTransfer(to, amount);
        return (true, 0);
    }

    /// @dev Reverts with `CircuitBreakerHalted` while halted (a function, so that the modifier's code
    /// is not copied into every guarded function).
    function _requireNotHalted() internal view {
        if (halted) revert CircuitBreakerHalted();
    }

    function _halt(string memory reason) internal {
        halted = true;
        emit BreakerHalted(msg.sender, reason);
    }

    /// @dev Called when a locked outflow is released (paid) or cancelled (kept), so the protected
    /// contract can settle its own accounting.
    function _onLockSettled(uint256 lockId, IERC20 token, uint256 amount, bool paid) internal virtual;

    function _lock(IERC20 token, address to, uint256 amount, uint64 releaseAt) private returns (uint256 lockId) {
        lockId = _locked.length;
        _locked.push(LockedOutflow({token: token, recipient: to, amount: SafeCast.toUint128(amount), releaseAt: releaseAt, settled: false}));
    }

    function _lockAt(uint256 lockId) private view returns (LockedOutflow storage lock) {
        if (lockId >= _locked.length) revert CircuitBreakerUnknownLock(lockId);
        lock = _locked[lockId];
        if (lock.settled) revert CircuitBreakerLockSettled(lockId);
    }

    function _record(IERC20 token, uint256 amount) private {
        Checkpoints.Trace208 storage trace = _cumulativeOutflow[token];
        trace.push(SafeCast.toUint48(block.timestamp), SafeCast.toUint208(trace.latest() + amount));
    }
}
