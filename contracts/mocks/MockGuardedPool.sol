// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Turned off for this test contract only:
// use-natspec: a test contract: NatSpec at contract level is enough.
// immutable-vars-naming: the guardian getter keeps the name the tests read.
/* solhint-disable use-natspec, immutable-vars-naming */

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IGuardedPool} from "../interfaces/IGuardedPool.sol";

/// @notice An IGuardedPool with any number of assets whose every view is set by hand, for the
/// watch agent's tests: a protocol that is not the demo pool. Only `guardian` may halt it.
contract MockGuardedPool is IGuardedPool {
    struct AssetState {
        uint256 outflow;
        uint128 warnLimit;
        uint128 haltLimit;
        uint256 held;
        uint256 owed;
        bool insolvent;
    }

    address public immutable guardian;
    IERC20[] private _assets;
    mapping(uint256 index => AssetState) public assetState;
    bool public halted;
    bool public safeMode;
    string public haltReason;

    error MockGuardedPoolNotGuardian(address caller);
    error MockGuardedPoolInvalidAsset(uint256 index);

    constructor(IERC20[] memory assets_, address guardian_) {
        _assets = assets_;
        guardian = guardian_;
    }

    function setAsset(uint256 index, AssetState calldata state) external {
        _requireAsset(index);
        assetState[index] = state;
    }

    function setSafeMode(bool on) external {
        safeMode = on;
    }

    function halt(string calldata reason) external {
        if (msg.sender != guardian) revert MockGuardedPoolNotGuardian(msg.sender);
        halted = true;
        haltReason = reason;
    }

    function assetCount() external view returns (uint256) {
        return _assets.length;
    }

    function assets(uint256 index) external view returns (IERC20) {
        _requireAsset(index);
        return _assets[index];
    }

    function windowOutflow(IERC20 token) external view returns (uint256) {
        return assetState[_indexOf(token)].outflow;
    }

    function limits(IERC20 token) external view returns (uint128 warnLimit, uint128 haltLimit) {
        AssetState storage state = assetState[_indexOf(token)];
        return (state.warnLimit, state.haltLimit);
    }

    function solvent(uint256 index) external view returns (bool) {
        _requireAsset(index);
        return !assetState[index].insolvent && assetState[index].held >= assetState[index].owed;
    }

    function assetsHeld(uint256 index) external view returns (uint256) {
        _requireAsset(index);
        return assetState[index].held;
    }

    function totalDeposits(uint256 index) external view returns (uint256) {
        _requireAsset(index);
        return assetState[index].owed;
    }

    function _indexOf(IERC20 token) private view returns (uint256) {
        for (uint256 k = 0; k < _assets.length; ++k) if (_assets[k] == token) return k;
        revert MockGuardedPoolInvalidAsset(type(uint256).max);
    }

    function _requireAsset(uint256 index) private view {
        if (index >= _assets.length) revert MockGuardedPoolInvalidAsset(index);
    }
}
