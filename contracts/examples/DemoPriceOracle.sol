// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";

/// @title DemoPriceOracle
/// @author Lifeboat
/// @notice A settable Chainlink-style feed for the demo and the tests (a manipulated feed is one
/// call away): the price of the demo pool's asset 0 in asset 1, as asset-1 base units per 1e18
/// asset-0 base units, with 18 decimals, so that the oracle guard's normalised price is the answer.
/// WARNING: anyone can set the price. Demonstration only.
contract DemoPriceOracle is AggregatorV3Interface {
    uint80 private _roundId;
    int256 private _answer;
    uint256 private _updatedAt;

    /// @notice Starts a new round with `price`, updated now.
    /// @param price the new answer (asset-1 base units per 1e18 asset-0 base units)
    function setPrice(uint256 price) external {
        setPriceAt(price, uint64(block.timestamp));
    }

    /// @notice Starts a new round with `price`, as if updated at `updatedAt` (a stale feed).
    /// @param price the new answer
    /// @param updatedAt the round's update time, seconds since the epoch
    function setPriceAt(uint256 price, uint64 updatedAt) public {
        ++_roundId;
        _answer = SafeCast.toInt256(price);
        _updatedAt = updatedAt;
    }

    /// @inheritdoc AggregatorV3Interface
    function decimals() external pure returns (uint8) {
        return 18;
    }

    /// @inheritdoc AggregatorV3Interface
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return (_roundId, _answer, _updatedAt, _updatedAt, _roundId);
    }
}
