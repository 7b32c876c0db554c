// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title AggregatorV3Interface (the subset OracleGuard reads)
/// @author Lifeboat
/// @notice Chainlink's price feed interface, reduced to the two functions `OracleGuard` calls. The
/// selectors are Chainlink's, so a Chainlink `EACAggregatorProxy` (or any feed that implements
/// Chainlink's interface: Redstone, Chronicle and Pyth adapters, an own TWAP adapter) plugs in
/// as it is.
/// @dev Chainlink's own name, kept so that integrators recognise it (not `I…`).
interface AggregatorV3Interface { // solhint-disable-line interface-starts-with-i
    /// @notice How many decimals `answer` carries (8 for most USD pairs, 18 for most ETH pairs).
    function decimals() external view returns (uint8);

    /// @notice The latest round.
    /// @return roundId the round's id
    /// @return answer the price, scaled by `10 ** decimals()`
    /// @return startedAt when the round started
    /// @return updatedAt when `answer` was computed (0 while the round is incomplete)
    /// @return answeredInRound the round in which `answer` was computed (at least `roundId`
    /// when the answer is fresh for this round)
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}
