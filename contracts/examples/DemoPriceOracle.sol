// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice The price of the demo pool's asset 0 in asset 1: asset-1 base units per 1e18 asset-0
/// base units, and when it was last updated.
interface IPriceOracle {
    function latestPrice() external view returns (uint256 price, uint64 updatedAt);
}

/// @notice A settable oracle for the demo and the tests (a manipulated feed is one call away).
contract DemoPriceOracle is IPriceOracle {
    uint256 private _price;
    uint64 private _updatedAt;

    function setPrice(uint256 price) external {
        _price = price;
        _updatedAt = uint64(block.timestamp);
    }

    function setPriceAt(uint256 price, uint64 updatedAt) external {
        _price = price;
        _updatedAt = updatedAt;
    }

    function latestPrice() external view returns (uint256, uint64) {
        return (_price, _updatedAt);
    }
}
