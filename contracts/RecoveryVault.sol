// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {LifeboatConstants as C} from "./base/LifeboatConstants.sol";
import {IGroth16Verifier3, IGroth16Verifier4} from "./interfaces/IGroth16Verifier.sol";
import {IPoseidon5} from "./interfaces/IPoseidon5.sol";
import {IRecoveryVault} from "./interfaces/IRecoveryVault.sol";

/// @title RecoveryVault
/// @notice See {IRecoveryVault}. Claims are keyed on (snapshot, account), never on proof bytes:
/// Groth16 proofs are malleable, and one account may make many valid proofs of the same leaf.
contract RecoveryVault is IRecoveryVault, AccessControl, Pausable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @notice Proposes snapshots and sweeps their remainders (the incident operator).
    bytes32 public constant PROPOSER_ROLE = keccak256("PROPOSER_ROLE");
    /// @notice Vetoes proposals during their window (guardians, auditors, the emergency multisig).
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    /// @notice Bounds of the veto window: long enough for users and auditors to check a proposal.
    uint64 public constant MIN_VETO_WINDOW = 1 days;
    uint64 public constant MAX_VETO_WINDOW = 30 days;

    /// @notice The Poseidon(5) hasher that computes snapshot commitments.
    IPoseidon5 public immutable hasher;

    struct Snapshot {
        SnapshotState state;
        bool swept;
        uint64 claimDeadline;
        address verifier;
        uint64 vetoDeadline;
        uint64 snapshotBlock;
        address sweepRecipient;
        uint256 root;
        uint256 commitment;
        bytes32 manifestDigest;
        string uri;
        Asset[] assets;
        Ledger[] ledgers;
    }

    uint64 private _vetoWindow;
    mapping(uint256 snapshotId => Snapshot) private _snapshots;
    mapping(uint256 snapshotId => mapping(address account => bool)) private _claimed;

    /// @param admin Holds DEFAULT_ADMIN_ROLE: grants roles and sets the veto window. In production a
    /// TimelockController, so that parameters change only after a public delay.
    /// @param vetoWindow_ Veto window of proposals, within [MIN_VETO_WINDOW, MAX_VETO_WINDOW].
    constructor(address admin, IPoseidon5 hasher_, uint64 vetoWindow_) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        hasher = hasher_;
        _setVetoWindow(vetoWindow_);
    }

    /// @inheritdoc IRecoveryVault
    function propose(uint256 snapshotId, Proposal calldata p) external onlyRole(PROPOSER_ROLE) {
        if (snapshotId == 0) revert RecoveryVaultInvalidSnapshotId(snapshotId);
        Snapshot storage s = _snapshots[snapshotId];
        if (s.state != SnapshotState.None) revert RecoveryVaultSnapshotExists(snapshotId, s.state);
        if (p.root == 0 || p.root >= C.SNARK_SCALAR_FIELD) revert RecoveryVaultInvalidRoot(p.root);
        if (p.tokens.length == 0 || p.tokens.length > C.MAX_ASSETS) revert RecoveryVaultInvalidAssetCount(p.tokens.length);
        if (p.totals.length != p.tokens.length) revert RecoveryVaultTotalsLengthMismatch(p.tokens.length, p.totals.length);
        if (p.verifier.code.length == 0) revert RecoveryVaultInvalidVerifier(p.verifier);
        uint64 vetoDeadline = uint64(block.timestamp) + _vetoWindow;
        // Claims must stay open after the veto window, or nobody could ever claim.
        if (p.claimDeadline <= vetoDeadline) revert RecoveryVaultInvalidDeadline(p.claimDeadline, vetoDeadline + 1);
        if (p.sweepRecipient == address(0)) revert RecoveryVaultInvalidSweepRecipient(p.sweepRecipient);

        s.state = SnapshotState.Proposed;
        s.claimDeadline = p.claimDeadline;
        s.verifier = p.verifier;
        s.vetoDeadline = vetoDeadline;
        s.snapshotBlock = p.snapshotBlock;
        s.sweepRecipient = p.sweepRecipient;
        s.root = p.root;
        s.manifestDigest = p.manifestDigest;
        s.uri = p.uri;
        for (uint256 k = 0; k < p.tokens.length; ++k) {
            IERC20 token = p.tokens[k];
            if (address(token).code.length == 0) revert RecoveryVaultInvalidToken(k, address(token));
            for (uint256 j = 0; j < k; ++j) {
                if (p.tokens[j] == token) revert RecoveryVaultDuplicateToken(address(token));
            }
            if (p.totals[k] == 0 || p.totals[k] >= C.LANE_LIMIT) revert RecoveryVaultInvalidTotal(k, p.totals[k]);
            s.assets.push(Asset({token: token, total: uint96(p.totals[k])}));
            s.ledgers.push(Ledger({funded: 0, paid: 0}));
        }
        emit SnapshotProposed(snapshotId, msg.sender, vetoDeadline, p);
    }

    /// @inheritdoc IRecoveryVault
    function veto(uint256 snapshotId, string calldata reason) external onlyRole(GUARDIAN_ROLE) {
        Snapshot storage s = _snapshotIn(snapshotId, SnapshotState.Proposed);
        if (block.timestamp >= s.vetoDeadline) revert RecoveryVaultVetoWindowClosed(snapshotId, s.vetoDeadline);
        s.state = SnapshotState.Vetoed;
        emit SnapshotVetoed(snapshotId, msg.sender, reason);
    }

    /// @inheritdoc IRecoveryVault
    function pause() external onlyRole(GUARDIAN_ROLE) {
        _pause();
    }

    /// @inheritdoc IRecoveryVault
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    /// @inheritdoc IRecoveryVault
    function setVetoWindow(uint64 window) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setVetoWindow(window);
    }

    function _setVetoWindow(uint64 window) private {
        if (window < MIN_VETO_WINDOW || window > MAX_VETO_WINDOW) {
            revert RecoveryVaultInvalidVetoWindow(window, MIN_VETO_WINDOW, MAX_VETO_WINDOW);
        }
        emit VetoWindowChanged(_vetoWindow, window);
        _vetoWindow = window;
    }

    /// @inheritdoc IRecoveryVault
    function fund(uint256 snapshotId, uint256 assetIndex, uint256 amount) external whenNotPaused nonReentrant {
        Snapshot storage s = _snapshotIn(snapshotId, SnapshotState.Proposed);
        if (assetIndex >= s.assets.length) revert RecoveryVaultAssetIndexOutOfRange(snapshotId, assetIndex);
        IERC20 token = s.assets[assetIndex].token;
        // Record what arrived, not what was asked: fee-on-transfer tokens deliver less.
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received == 0) revert RecoveryVaultNothingReceived(snapshotId, assetIndex);
        Ledger storage ledger = s.ledgers[assetIndex];
        uint256 funded = uint256(ledger.funded) + received;
        if (funded > type(uint128).max) revert RecoveryVaultFundingOverflow(snapshotId, assetIndex, funded);
        ledger.funded = uint128(funded);
        emit SnapshotFunded(snapshotId, assetIndex, msg.sender, received);
    }

    /// @inheritdoc IRecoveryVault
    /// @dev The one place a snapshot becomes claimable: only a proposal whose veto window passed
    /// without a veto, fully funded; computes the commitment every proof must carry (protocol §5).
    function finalize(uint256 snapshotId) external whenNotPaused {
        Snapshot storage s = _snapshotIn(snapshotId, SnapshotState.Proposed);
        if (block.timestamp < s.vetoDeadline) revert RecoveryVaultVetoWindowOpen(snapshotId, s.vetoDeadline);
        if (block.timestamp >= s.claimDeadline) revert RecoveryVaultClaimsClosed(snapshotId, s.claimDeadline);
        uint256[4] memory lanes;
        for (uint256 k = 0; k < s.assets.length; ++k) {
            if (s.ledgers[k].funded == 0) revert RecoveryVaultUnfunded(snapshotId, k);
            lanes[k] = s.assets[k].total;
        }
        uint256 commitment = hasher.poseidon(
            [
                C.SNAPSHOT_DOMAIN,
                s.root,
                lanes[0] | (lanes[1] << C.LANE_BITS),
                lanes[2] | (lanes[3] << C.LANE_BITS),
                context(snapshotId)
            ]
        );
        s.commitment = commitment;
        s.state = SnapshotState.Active;
        emit SnapshotFinalized(snapshotId, commitment);
    }

    /// @inheritdoc IRecoveryVault
    function claim(
        uint256 snapshotId,
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[] calldata pubSignals
    ) external whenNotPaused nonReentrant {
        address account = _accountOf(pubSignals);
        _claim(snapshotId, pA, pB, pC, pubSignals, account, account);
    }

    /// @inheritdoc IRecoveryVault
    function claimTo(
        uint256 snapshotId,
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[] calldata pubSignals,
        address recipient
    ) external whenNotPaused nonReentrant {
        address account = _accountOf(pubSignals);
        if (msg.sender != account) revert RecoveryVaultNotAccount(msg.sender, account);
        if (recipient == address(0) || recipient == address(this)) revert RecoveryVaultInvalidRecipient(recipient);
        _claim(snapshotId, pA, pB, pC, pubSignals, account, recipient);
    }

    /// @inheritdoc IRecoveryVault
    function sweep(uint256 snapshotId) external onlyRole(PROPOSER_ROLE) whenNotPaused nonReentrant {
        Snapshot storage s = _snapshots[snapshotId];
        if (s.state == SnapshotState.Active) {
            if (block.timestamp <= s.claimDeadline) revert RecoveryVaultClaimsStillOpen(snapshotId, s.claimDeadline);
        } else if (s.state != SnapshotState.Vetoed) {
            revert RecoveryVaultWrongState(snapshotId, s.state, SnapshotState.Active);
        }
        if (s.swept) revert RecoveryVaultAlreadySwept(snapshotId);
        s.swept = true;
        uint256 count = s.assets.length;
        uint256[] memory amounts = new uint256[](count);
        for (uint256 k = 0; k < count; ++k) {
            Ledger storage ledger = s.ledgers[k];
            amounts[k] = ledger.funded - ledger.paid;
            ledger.paid = ledger.funded;
        }
        emit Swept(snapshotId, s.sweepRecipient, amounts);
        for (uint256 k = 0; k < count; ++k) {
            if (amounts[k] > 0) s.assets[k].token.safeTransfer(s.sweepRecipient, amounts[k]);
        }
    }

    /// @inheritdoc IRecoveryVault
    function snapshot(uint256 snapshotId) external view returns (SnapshotInfo memory) {
        Snapshot storage s = _snapshots[snapshotId];
        return SnapshotInfo({
            state: s.state,
            root: s.root,
            commitment: s.commitment,
            verifier: s.verifier,
            claimDeadline: s.claimDeadline,
            vetoDeadline: s.vetoDeadline,
            snapshotBlock: s.snapshotBlock,
            sweepRecipient: s.sweepRecipient,
            swept: s.swept,
            manifestDigest: s.manifestDigest,
            uri: s.uri,
            assets: s.assets,
            ledgers: s.ledgers
        });
    }

    /// @inheritdoc IRecoveryVault
    function isClaimed(uint256 snapshotId, address account) external view returns (bool) {
        return _claimed[snapshotId][account];
    }

    /// @inheritdoc IRecoveryVault
    function context(uint256 snapshotId) public view returns (uint256) {
        return uint256(keccak256(abi.encode(C.CONTEXT_TAG, block.chainid, address(this), snapshotId))) % C.SNARK_SCALAR_FIELD;
    }

    /// @inheritdoc IRecoveryVault
    function vetoWindow() external view returns (uint64) {
        return _vetoWindow;
    }

    // ---- internals ------------------------------------------------------------------------------

    function _snapshotIn(uint256 snapshotId, SnapshotState expected) private view returns (Snapshot storage s) {
        s = _snapshots[snapshotId];
        if (s.state != expected) revert RecoveryVaultWrongState(snapshotId, s.state, expected);
    }

    /// @dev The account public signal, checked to be an address (a malformed tree could hold more).
    function _accountOf(uint256[] calldata pubSignals) private pure returns (address) {
        if (pubSignals.length < 2) revert RecoveryVaultPublicSignalCount(3, pubSignals.length);
        uint256 value = pubSignals[1];
        if (value > type(uint160).max) revert RecoveryVaultInvalidAccount(value);
        return address(uint160(value));
    }

    function _claim(
        uint256 snapshotId,
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[] calldata pubSignals,
        address account,
        address recipient
    ) private {
        Snapshot storage s = _snapshotIn(snapshotId, SnapshotState.Active);
        if (block.timestamp > s.claimDeadline) revert RecoveryVaultClaimsClosed(snapshotId, s.claimDeadline);
        uint256 assetCount = s.assets.length;
        uint256 words = (assetCount + 1) / 2;

        // Checks, cheapest first; the pairing check last.
        if (pubSignals.length != 2 + words) revert RecoveryVaultPublicSignalCount(2 + words, pubSignals.length);
        for (uint256 i = 0; i < pubSignals.length; ++i) {
            if (pubSignals[i] >= C.SNARK_SCALAR_FIELD) revert RecoveryVaultPublicSignalNotInField(i, pubSignals[i]);
        }
        if (pubSignals[0] != s.commitment) revert RecoveryVaultWrongSnapshotCommitment(s.commitment, pubSignals[0]);
        if (_claimed[snapshotId][account]) revert RecoveryVaultAlreadyClaimed(snapshotId, account);
        uint256[] memory amounts = _decodeAmounts(pubSignals, assetCount, words);
        if (!_verify(s.verifier, words, pA, pB, pC, pubSignals)) revert RecoveryVaultInvalidProof(snapshotId, account);

        _settle(s, snapshotId, account, recipient, amounts);
    }

    /// @dev Effects then interactions: marks the account, books and pays each asset's share.
    function _settle(Snapshot storage s, uint256 snapshotId, address account, address recipient, uint256[] memory amounts)
        private
    {
        _claimed[snapshotId][account] = true;
        uint256 assetCount = amounts.length;
        uint256[] memory payouts = new uint256[](assetCount);
        for (uint256 k = 0; k < assetCount; ++k) {
            Ledger memory ledger = s.ledgers[k];
            // amount < 2^96 and funded < 2^128: the product cannot overflow.
            uint256 payout = (amounts[k] * ledger.funded) / s.assets[k].total;
            uint256 paid = uint256(ledger.paid) + payout;
            // The tree makes the amounts sum to the total, so this never fires; it stands guard in
            // case the tree or the circuit were wrong.
            if (paid > ledger.funded) revert RecoveryVaultPayoutExceedsFunding(snapshotId, k);
            s.ledgers[k].paid = uint128(paid);
            payouts[k] = payout;
        }
        emit Claimed(snapshotId, account, recipient, payouts);
        for (uint256 k = 0; k < assetCount; ++k) {
            if (payouts[k] > 0) s.assets[k].token.safeTransfer(recipient, payouts[k]);
        }
    }

    /// @dev Splits the amounts words into 96-bit lanes; bits above the used lanes must be zero.
    function _decodeAmounts(uint256[] calldata pubSignals, uint256 assetCount, uint256 words)
        private
        pure
        returns (uint256[] memory amounts)
    {
        amounts = new uint256[](assetCount);
        for (uint256 j = 0; j < words; ++j) {
            uint256 word = pubSignals[2 + j];
            uint256 lanesInWord = assetCount - 2 * j >= 2 ? 2 : 1;
            if (word >> (C.LANE_BITS * lanesInWord) != 0) revert RecoveryVaultInvalidAmounts(j, word);
            amounts[2 * j] = word & (C.LANE_LIMIT - 1);
            if (lanesInWord == 2) amounts[2 * j + 1] = word >> C.LANE_BITS;
        }
    }

    function _verify(
        address verifier,
        uint256 words,
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[] calldata pubSignals
    ) private view returns (bool) {
        if (words == 1) {
            return IGroth16Verifier3(verifier).verifyProof(pA, pB, pC, [pubSignals[0], pubSignals[1], pubSignals[2]]);
        }
        return IGroth16Verifier4(verifier).verifyProof(pA, pB, pC, [pubSignals[0], pubSignals[1], pubSignals[2], pubSignals[3]]);
    }
}
