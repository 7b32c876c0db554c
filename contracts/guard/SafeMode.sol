// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title SafeMode
/// @author Lifeboat
/// @notice Invariant checking after every state change, and a withdraw-only mode entered the moment
/// an invariant breaks. In the style of OpenZeppelin's `Pausable`: this module holds the flag, the
/// modifiers and the internal functions; the inheriting protocol says what its invariants are
/// (`_brokenInvariant`), which functions are checked (`checksInvariants`), which are refused in
/// safe mode (`whenNotInSafeMode`), and who may call `_exitSafeMode` (its governance).
///
/// Entering safe mode does not revert the transaction that broke the invariant: the flag must
/// persist, and the damage has already happened outside this contract's control (a drained
/// balance, a bad debt). From then on only exits (withdrawals, repayments) should be open, so what
/// is left is shared, not raced for.
///
/// WARNING: the check runs after the function body, so it sees the state that body leaves, not the
/// states in between. Put `checksInvariants` on every external function that changes state
/// (deposits, withdrawals, borrows, repayments, liquidations, admin setters), including the ones
/// open in safe mode, and keep `_brokenInvariant` cheap: it runs on every one of them.
///
/// WARNING: a call re-entering the protocol from inside a function body (a token callback) runs its
/// own check against the half-updated state of the outer call. Follow checks-effects-interactions
/// (books updated before any transfer) or guard the entry points with a reentrancy lock, so that no
/// intermediate state breaks an invariant.
abstract contract SafeMode {
    bool private _safeMode;

    /// @notice The protocol entered safe mode because invariant `invariantId` broke.
    /// @param invariantId the inheritor's number for the broken invariant (see `_brokenInvariant`)
    /// @param caller the account whose call broke it (or who entered safe mode by hand)
    event SafeModeEntered(uint256 indexed invariantId, address indexed caller);

    /// @notice Governance took the protocol out of safe mode; the invariants held at that moment.
    /// @param caller the governance account that called the exit
    event SafeModeExited(address indexed caller);

    /// @notice The function is closed in safe mode (withdraw-only).
    error SafeModeEnforced();

    /// @notice The function needs safe mode (exiting it, for example) and the protocol is not in it.
    error SafeModeExpected();

    /// @notice Safe mode cannot be left while invariant `invariantId` is still broken.
    error SafeModeInvariantBroken(uint256 invariantId);

    /// @notice `0` is reserved for "every invariant holds"; invariant numbers start at 1.
    error SafeModeInvalidInvariant(uint256 invariantId);

    /// @dev Runs the invariant check after the function body (see `_checkInvariants`).
    modifier checksInvariants() {
        _;
        _checkInvariants();
    }

    /// @dev Refuses the call in safe mode (deposits, borrows: what adds exposure).
    modifier whenNotInSafeMode() {
        _requireNotInSafeMode();
        _;
    }

    /// @dev Requires safe mode.
    modifier whenInSafeMode() {
        _requireInSafeMode();
        _;
    }

    /// @notice Whether the protocol is in withdraw-only mode.
    function safeMode() public view virtual returns (bool) {
        return _safeMode;
    }

    /// @dev The first broken invariant's number (1, 2, …), or 0 if they all hold. Implemented by the
    /// protocol; a view, so it cannot change what it checks.
    function _brokenInvariant() internal view virtual returns (uint256 invariantId);

    /// @dev Enters safe mode if an invariant is broken and the protocol is not in safe mode yet.
    /// Never reverts because of a broken invariant.
    function _checkInvariants() internal virtual {
        if (_safeMode) return;
        uint256 broken = _brokenInvariant();
        if (broken != 0) _enterSafeMode(broken);
    }

    /// @dev Enters safe mode, naming `invariantId` as the reason. Also for protocols that let a
    /// guardian enter safe mode by hand (with an id of their own). Idempotent: a second call while
    /// in safe mode emits nothing.
    function _enterSafeMode(uint256 invariantId) internal virtual {
        if (invariantId == 0) revert SafeModeInvalidInvariant(invariantId);
        if (_safeMode) return;
        _safeMode = true;
        emit SafeModeEntered(invariantId, msg.sender);
    }

    /// @dev Leaves safe mode, only if every invariant holds again (the protocol repaired or
    /// recapitalised first). Expose it to governance only.
    function _exitSafeMode() internal virtual whenInSafeMode {
        uint256 broken = _brokenInvariant();
        if (broken != 0) revert SafeModeInvariantBroken(broken);
        _safeMode = false;
        emit SafeModeExited(msg.sender);
    }

    /// @dev Reverts with `SafeModeEnforced` in safe mode.
    function _requireNotInSafeMode() internal view virtual {
        if (_safeMode) revert SafeModeEnforced();
    }

    /// @dev Reverts with `SafeModeExpected` outside safe mode.
    function _requireInSafeMode() internal view virtual {
        if (!_safeMode) revert SafeModeExpected();
    }
}
