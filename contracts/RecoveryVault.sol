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
/// @author Lifeboat
/// @notice See {IRecoveryVault}. Claims are keyed on (snapshot, account), never on proof bytes:
/// Groth16 proofs are malleable, and one account may make many valid proofs of the same leaf.
/// @dev Time paused is tracked globally (`_pausedTotal`, plus the ongoing pause); each snapshot
/// records that clock at its reference point (`pauseBase`: the proposal, then the finalization)
/// and every deadline it stores is read as `stored + (pausedTime - pauseBase)`.
contract RecoveryVault is IRecoveryVault, AccessControl, Pausable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @notice Proposes snapshots and sweeps their remainders (the incident operator).
    bytes32 public constant PROPOSER_ROLE = keccak256("PROPOSER_ROLE");
    /// @notice Vetoes proposals during their window and pauses (guardians, auditors, the
    /// emergency multisig).
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    /// @notice Bounds of the veto window: long enough for users and auditors to check a proposal.
    uint64 public constant MIN_VETO_WINDOW = 1 days;
    /// @notice Upper bound of the veto window: proposals wait at most a month.
    uint64 public constant MAX_VETO_WINDOW = 30 days;
    /// @notice After its veto deadline a proposal may be finalized for this long; then it expires
    /// and its funding goes back to the sweep recipient. Funding is declared at proposal and can
    /// arrive during the veto window, so two weeks covers a slow multisig without leaving
    /// recovered funds idle for long.
    uint64 public constant FINALIZE_WINDOW = 14 days;
    /// @notice Shortest claim window, counted from finalization. Users learn of an incident and of
    /// the recovery late (holidays, no news, funds in cold storage, smart-contract wallets that
    /// need their own governance to act): a month is the least a recovery should give them, and
    /// the windows of past recoveries were of that order or longer (Euler's and KyberSwap's
    /// claims stayed open for weeks to months).
    uint64 public constant MIN_CLAIM_PERIOD = 30 days;
    /// @notice Longest claim window: ten years keeps every deadline far inside 2^40 seconds.
    uint64 public constant MAX_CLAIM_PERIOD = 3650 days;
    /// @notice The only hasher code the vault accepts (see {LifeboatConstants}).
    bytes32 public constant POSEIDON5_CODEHASH = C.POSEIDON5_CODEHASH;

    /// @notice The Poseidon(5) hasher that computes snapshot commitments; its code is pinned.
    /// @dev Named as the vault's published ABI (`hasher()`, docs/protocol.md), not in SNAKE_CASE.
    IPoseidon5 public immutable hasher; // solhint-disable-line immutable-vars-naming

    /// @dev Slot 0 holds everything a claim reads of the snapshot itself. Times are uint40
    /// seconds (good for 34,000 years); the interface speaks uint64.
    struct Snapshot {
        SnapshotState state;
        address verifier;
        uint40 claimDeadline;
        uint40 pauseBase;
        bool swept;
        address sweepRecipient;
        uint40 vetoDeadline;
        uint40 claimPeriod;
        uint64 snapshotBlock;
        uint256 root;
        uint256 commitment;
        bytes32 manifestDigest;
        string uri;
        Asset[] assets;
        Ledger[] ledgers;
        uint96[] declared;
    }

    uint64 private _vetoWindow;
    /// @dev Seconds of pauses that have ended, and when the ongoing pause began.
    uint40 private _pausedTotal;
    uint40 private _pausedSince;
    mapping(uint256 snapshotId => Snapshot) private _snapshots;
    mapping(uint256 snapshotId => mapping(address account => bool)) private _claimed;

    /// @notice Deploys the vault with its governance, its pinned hasher and the first veto window.
    /// @param admin Holds DEFAULT_ADMIN_ROLE: grants roles and sets the veto window. In production a
    /// TimelockController, so that parameters change only after a public delay.
    /// @param hasher_ circomlibjs's Poseidon(5): must answer the known vector and carry exactly
    /// the pinned code (a proxy or any other code that could change its answers is refused).
    /// @param vetoWindow_ Veto window of proposals, within [MIN_VETO_WINDOW, MAX_VETO_WINDOW].
    constructor(address admin, IPoseidon5 hasher_, uint64 vetoWindow_) {
        _checkHasher(address(hasher_));
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        hasher = hasher_;
        _setVetoWindow(vetoWindow_);
    }

    /// @inheritdoc IRecoveryVault
    function propose(uint256 snapshotId, Proposal calldata p) external onlyRole(PROPOSER_ROLE) {
        if (snapshotId == 0) revert RecoveryVaultInvalidSnapshotId(snapshotId);
        Snapshot storage s = _snapshots[snapshotId];
        if (s.state != SnapshotState.None) revert RecoveryVaultSnapshotExists(snapshotId, _stateOf(s));
        if (p.root == 0 || p.root >= C.SNARK_SCALAR_FIELD) revert RecoveryVaultInvalidRoot(p.root);
        uint256 count = p.tokens.length;
        if (count == 0 || count > C.MAX_ASSETS) revert RecoveryVaultInvalidAssetCount(count);
        if (p.totals.length != count) revert RecoveryVaultTotalsLengthMismatch(count, p.totals.length);
        if (p.declaredFunding.length != count) revert RecoveryVaultDeclaredFundingLengthMismatch(count, p.declaredFunding.length);
        if (p.verifier.code.length == 0) revert RecoveryVaultInvalidVerifier(p.verifier);
        if (p.claimPeriod < MIN_CLAIM_PERIOD || p.claimPeriod > MAX_CLAIM_PERIOD) {
            revert RecoveryVaultInvalidClaimPeriod(p.claimPeriod, MIN_CLAIM_PERIOD, MAX_CLAIM_PERIOD);
        }
        // The vault itself would be a dead end: what is swept to it is booked nowhere.
        if (p.sweepRecipient == address(0) || p.sweepRecipient == address(this)) {
            revert RecoveryVaultInvalidSweepRecipient(p.sweepRecipient);
        }
        uint64 vetoDeadline = uint64(block.timestamp) + _vetoWindow;

        s.state = SnapshotState.Proposed;
        s.verifier = p.verifier;
        s.pauseBase = uint40(_pausedTime());
        s.sweepRecipient = p.sweepRecipient;
        s.vetoDeadline = uint40(vetoDeadline);
        s.claimPeriod = uint40(p.claimPeriod);
        s.snapshotBlock = p.snapshotBlock;
        s.root = p.root;
        s.manifestDigest = p.manifestDigest;
        s.uri = p.uri;
        for (uint256 k = 0; k < count; ++k) {
            IERC20 token = p.tokens[k];
            if (address(token).code.length == 0) revert RecoveryVaultInvalidToken(k, address(token));
            for (uint256 j = 0; j < k; ++j) {
                if (p.tokens[j] == token) revert RecoveryVaultDuplicateToken(address(token));
            }
            uint256 total = p.totals[k];
            if (total == 0 || total >= C.LANE_LIMIT) revert RecoveryVaultInvalidTotal(k, total);
            uint256 declared = p.declaredFunding[k];
            if (declared == 0 || declared > total) revert RecoveryVaultInvalidDeclaredFunding(k, declared, total);
            s.assets.push(Asset({token: token, total: uint96(total)}));
            s.ledgers.push(Ledger({funded: 0, paid: 0}));
            s.declared.push(uint96(declared));
        }
        emit SnapshotProposed(snapshotId, msg.sender, vetoDeadline, p);
    }

    /// @inheritdoc IRecoveryVault
    function veto(uint256 snapshotId, string calldata reason) external onlyRole(GUARDIAN_ROLE) {
        Snapshot storage s = _snapshotIn(snapshotId, SnapshotState.Proposed);
        uint64 vetoDeadline = _effective(s, s.vetoDeadline);
        if (block.timestamp >= vetoDeadline) revert RecoveryVaultVetoWindowClosed(snapshotId, vetoDeadline);
        s.state = SnapshotState.Vetoed;
        s.vetoDeadline = uint40(vetoDeadline);
        emit SnapshotVetoed(snapshotId, msg.sender, reason);
    }

    /// @inheritdoc IRecoveryVault
    function pause() external onlyRole(GUARDIAN_ROLE) {
        _pause();
        _pausedSince = uint40(block.timestamp);
    }

    /// @inheritdoc IRecoveryVault
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
        _pausedTotal += uint40(block.timestamp) - _pausedSince;
        _pausedSince = 0;
    }

    /// @inheritdoc IRecoveryVault
    function setVetoWindow(uint64 window) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setVetoWindow(window);
    }

    /// @inheritdoc IRecoveryVault
    function fund(uint256 snapshotId, uint256 assetIndex, uint256 amount) external whenNotPaused nonReentrant {
        Snapshot storage s = _snapshotIn(snapshotId, SnapshotState.Proposed);
        if (assetIndex >= s.assets.length) revert RecoveryVaultAssetIndexOutOfRange(snapshotId, assetIndex);
        Asset memory asset = s.assets[assetIndex];
        // Record what arrived, not what was asked: fee-on-transfer tokens deliver less.
        uint256 before = asset.token.balanceOf(address(this));
        asset.token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = asset.token.balanceOf(address(this)) - before;
        if (received == 0) revert RecoveryVaultNothingReceived(snapshotId, assetIndex);
        Ledger storage ledger = s.ledgers[assetIndex];
        uint256 funded = uint256(ledger.funded) + received;
        // Beyond the total, a claim would pay more than the account's balance in the snapshot.
        if (funded > asset.total) revert RecoveryVaultFundingExceedsTotal(snapshotId, assetIndex, funded, asset.total);
        ledger.funded = uint128(funded);
        emit SnapshotFunded(snapshotId, assetIndex, msg.sender, received);
    }

    /// @inheritdoc IRecoveryVault
    /// @dev The one place a snapshot becomes claimable: only a proposal whose veto window passed
    /// without a veto, before its finalize deadline, funded to its declaration; computes the
    /// commitment every proof must carry (protocol §5) and starts the claim window.
    function finalize(uint256 snapshotId) external whenNotPaused {
        Snapshot storage s = _snapshotIn(snapshotId, SnapshotState.Proposed);
        uint64 vetoDeadline = _effective(s, s.vetoDeadline);
        if (block.timestamp < vetoDeadline) revert RecoveryVaultVetoWindowOpen(snapshotId, vetoDeadline);
        uint256[4] memory lanes;
        for (uint256 k = 0; k < s.assets.length; ++k) {
            uint256 funded = s.ledgers[k].funded;
            if (funded < s.declared[k]) revert RecoveryVaultUnderfunded(snapshotId, k, funded, s.declared[k]);
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
        uint40 claimDeadline = uint40(block.timestamp) + s.claimPeriod;
        s.commitment = commitment;
        s.state = SnapshotState.Active;
        s.claimDeadline = claimDeadline;
        // Not paused here: the clock restarts from the finalization, the veto deadline is history.
        s.pauseBase = _pausedTotal;
        s.vetoDeadline = uint40(vetoDeadline);
        emit SnapshotFinalized(snapshotId, commitment, claimDeadline);
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
        SnapshotState state = _stateOf(s);
        if (state == SnapshotState.Active) {
            uint64 claimDeadline = _effective(s, s.claimDeadline);
            if (block.timestamp <= claimDeadline) revert RecoveryVaultClaimsStillOpen(snapshotId, claimDeadline);
        } else if (state != SnapshotState.Vetoed && state != SnapshotState.Expired) {
            revert RecoveryVaultNotSweepable(snapshotId, state);
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
    function snapshot(uint256 snapshotId) external view returns (SnapshotInfo memory info) {
        Snapshot storage s = _snapshots[snapshotId];
        SnapshotState state = _stateOf(s);
        bool pending = state == SnapshotState.Proposed || state == SnapshotState.Expired;
        uint256 count = s.declared.length;
        uint256[] memory declared = new uint256[](count);
        for (uint256 k = 0; k < count; ++k) {
            declared[k] = s.declared[k];
        }
        info.state = state;
        info.root = s.root;
        info.commitment = s.commitment;
        info.verifier = s.verifier;
        info.vetoDeadline = pending ? _effective(s, s.vetoDeadline) : s.vetoDeadline;
        info.finalizeDeadline = pending ? _effective(s, s.vetoDeadline) + FINALIZE_WINDOW : 0;
        info.claimPeriod = s.claimPeriod;
        info.claimDeadline = state == SnapshotState.Active ? _effective(s, s.claimDeadline) : 0;
        info.snapshotBlock = s.snapshotBlock;
        info.sweepRecipient = s.sweepRecipient;
        info.swept = s.swept;
        info.manifestDigest = s.manifestDigest;
        info.uri = s.uri;
        info.assets = s.assets;
        info.ledgers = s.ledgers;
        info.declaredFunding = declared;
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

    /// @inheritdoc IRecoveryVault
    function pausedTime() external view returns (uint64) {
        return _pausedTime();
    }

    // ---- internals ------------------------------------------------------------------------------

    /// @dev The known answer first (an account without code, a reverting contract or a wrong
    /// answer fail here), then the code itself, so that a proxy that answers right today and
    /// could be switched tomorrow is refused too.
    function _checkHasher(address candidate) private view {
        uint256[5] memory vector = [uint256(1), 2, 3, 4, 5];
        (bool ok, bytes memory answer) = candidate.staticcall(abi.encodeCall(IPoseidon5.poseidon, (vector)));
        if (!ok || answer.length != 32 || abi.decode(answer, (uint256)) != C.POSEIDON5_OF_1_TO_5) {
            revert RecoveryVaultHasherWrongAnswer(candidate);
        }
        if (candidate.codehash != C.POSEIDON5_CODEHASH) revert RecoveryVaultHasherCodeMismatch(candidate, candidate.codehash);
    }

    function _setVetoWindow(uint64 window) private {
        if (window < MIN_VETO_WINDOW || window > MAX_VETO_WINDOW) {
            revert RecoveryVaultInvalidVetoWindow(window, MIN_VETO_WINDOW, MAX_VETO_WINDOW);
        }
        emit VetoWindowChanged(_vetoWindow, window);
        _vetoWindow = window;
    }

    /// @dev Seconds spent paused since deployment, the ongoing pause included.
    function _pausedTime() private view returns (uint64) {
        return uint64(_pausedTotal) + (paused() ? uint64(block.timestamp) - _pausedSince : 0);
    }

    /// @dev A stored time of the snapshot moved by the time paused since its reference point.
    function _effective(Snapshot storage s, uint40 stored) private view returns (uint64) {
        return uint64(stored) + _pausedTime() - s.pauseBase;
    }

    /// @dev The stored state, except that a proposal past its finalize deadline is Expired.
    function _stateOf(Snapshot storage s) private view returns (SnapshotState state) {
        state = s.state;
        if (state == SnapshotState.Proposed && block.timestamp >= _effective(s, s.vetoDeadline) + FINALIZE_WINDOW) {
            state = SnapshotState.Expired;
        }
    }

    function _snapshotIn(uint256 snapshotId, SnapshotState expected) private view returns (Snapshot storage s) {
        s = _snapshots[snapshotId];
        SnapshotState state = _stateOf(s);
        if (state != expected) revert RecoveryVaultWrongState(snapshotId, state, expected);
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
        uint64 claimDeadline = _effective(s, s.claimDeadline);
        if (block.timestamp > claimDeadline) revert RecoveryVaultClaimsClosed(snapshotId, claimDeadline);
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
            // amount < 2^96 and funded <= total < 2^96: the product cannot overflow.
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
