// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title Lifeboat IGuardedPool
/// @author Lifeboat
/// @notice What `lifeboat watch` reads from a protected pool, and the one call it makes: a small
/// set of views any protocol can implement over its own books, for any number of assets. A pool
/// built on the CircuitBreaker module already has `halted`, `halt`, `windowOutflow` and (ABI-wise)
/// `limits`; the rest are views over what the pool owes and holds. See docs/guard.md.
/// @dev Assets are numbered `0 .. assetCount() - 1`; `assets(k)` is asset k's token. Every view
/// must answer at any block (the agent reads with a block tag) and must not revert for a valid
/// index.
interface IGuardedPool {
    /// @notice Whether the pool is halted (outflows refused until governance resumes it).
    function halted() external view returns (bool);

    /// @notice Whether the pool is in safe mode: a solvency invariant broke and it is withdraw-only.
    function safeMode() external view returns (bool);

    /// @notice How many assets the pool holds for its depositors.
    function assetCount() external view returns (uint256);

    /// @notice Asset `index`'s token.
    /// @param index The asset's number, below `assetCount()`.
    /// @return The asset's ERC-20 token.
    function assets(uint256 index) external view returns (IERC20);

    /// @notice The token's outflow counted in the circuit breaker's rolling window.
    /// @param token One of the pool's assets.
    /// @return The outflow in the current window, in the token's base units.
    function windowOutflow(IERC20 token) external view returns (uint256);

    /// @notice The breaker's bounds on the token's outflow in the window: above `warnLimit` an
    /// outflow is delayed, above `haltLimit` the pool halts. Zero `warnLimit`: not rate-limited.
    /// @param token One of the pool's assets.
    /// @return warnLimit The outflow above which an outflow is delayed (base units).
    /// @return haltLimit The outflow above which the pool halts (base units).
    function limits(IERC20 token) external view returns (uint128 warnLimit, uint128 haltLimit);

    /// @notice Whether asset `index` is solvent by the pool's own invariants.
    /// @param index The asset's number, below `assetCount()`.
    /// @return True when the asset's reserves cover its liabilities.
    function solvent(uint256 index) external view returns (bool);

    /// @notice What asset `index`'s depositors can count on (tokens held plus sound loans): the
    /// reserves side of the solvency invariant.
    /// @param index The asset's number, below `assetCount()`.
    /// @return The reserves, in the asset's base units.
    function assetsHeld(uint256 index) external view returns (uint256);

    /// @notice What the pool owes the depositors of asset `index`: the liabilities side.
    /// @param index The asset's number, below `assetCount()`.
    /// @return The liabilities, in the asset's base units.
    function totalDeposits(uint256 index) external view returns (uint256);

    /// @notice Halts the pool; the guardians' Safe calls it (the agent proposes or executes it).
    /// @param reason Why, for the pool's event and the people reading it.
    function halt(string calldata reason) external;
}
