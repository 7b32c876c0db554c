// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Turned off for this test contract only:
// use-natspec: a test contract: NatSpec at contract level is enough.
// immutable-vars-naming: test fixtures keep the getter names the tests and ERC-20 use.
// no-inline-assembly: the mock misbehaves on purpose (short and non-conforming return data).
/* solhint-disable use-natspec, immutable-vars-naming, no-inline-assembly */

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";

/// @notice A Chainlink-style feed for tests whose every field, and failure, is one call away.
contract MockAggregator is AggregatorV3Interface {
    /// @notice How the feed misbehaves.
    enum Mode {
        Normal,
        Reverts,
        BurnsGas,
        ShortReturn,
        /// @dev A round id that does not fit the interface's uint80 (a non-conforming feed).
        WideRoundId,
        /// @dev An answeredInRound that does not fit uint80.
        WideAnsweredInRound
    }

    /// @notice The feed reverts (mode `Reverts`).
    error MockAggregatorDown();

    uint8 public immutable override decimals;
    Mode public mode;

    uint80 private _roundId;
    int256 private _answer;
    uint256 private _updatedAt;
    uint80 private _answeredInRound;

    constructor(uint8 decimals_) {
        decimals = decimals_;
    }

    /// @notice A fresh round with `answer`, updated now.
    function setAnswer(int256 answer) external {
        ++_roundId;
        _answer = answer;
        _updatedAt = block.timestamp;
        _answeredInRound = _roundId;
    }

    /// @notice Any round data, for stale, incomplete and carried-over rounds.
    function setRoundData(uint80 roundId, int256 answer, uint256 updatedAt, uint80 answeredInRound) external {
        _roundId = roundId;
        _answer = answer;
        _updatedAt = updatedAt;
        _answeredInRound = answeredInRound;
    }

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    function latestRoundData() external view override returns (uint80, int256, uint256, uint256, uint80) {
        if (mode == Mode.Reverts) revert MockAggregatorDown();
        if (mode == Mode.BurnsGas) {
            uint256 sink;
            for (uint256 i = 0; i < type(uint256).max; ++i) sink += i;
            return (0, int256(sink), 0, 0, 0);
        }
        if (mode == Mode.ShortReturn) {
            assembly ("memory-safe") {
                mstore(0, 1)
                return(0, 32)
            }
        }
        if (mode == Mode.WideRoundId || mode == Mode.WideAnsweredInRound) {
            // Five full words, as a feed written against another interface might answer.
            uint256 wide = uint256(type(uint80).max) + 1;
            (uint256 roundWord, uint256 answeredWord) = mode == Mode.WideRoundId ? (wide, uint256(_answeredInRound)) : (uint256(_roundId), wide);
            int256 answer = _answer;
            uint256 updatedAt = _updatedAt;
            assembly ("memory-safe") {
                let out := mload(0x40)
                mstore(out, roundWord)
                mstore(add(out, 0x20), answer)
                mstore(add(out, 0x40), updatedAt)
                mstore(add(out, 0x60), updatedAt)
                mstore(add(out, 0x80), answeredWord)
                return(out, 0xa0)
            }
        }
        return (_roundId, _answer, _updatedAt, _updatedAt, _answeredInRound);
    }
}
