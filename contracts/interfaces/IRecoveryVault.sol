// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title Lifeboat RecoveryVault
/// @author Lifeboat
/// @notice Holds recovered ERC-20 collateral for post-incident snapshots and pays every user who
/// proves, in zero knowledge, that their leaf is in a snapshot's Merkle sum tree: each asset pays
/// `amount * funded / total`, rounded down. A snapshot's root only ever becomes claimable through
/// a proposal that waited out a veto window. Every token funded for a snapshot has a way out:
/// claims while it is active, the sweep recipient once it can no longer pay (vetoed, expired, or
/// its claim window over). Time the vault spends paused never counts against a snapshot's windows.
/// See docs/protocol.md §8 and docs/contracts.md.
interface IRecoveryVault {
    /// @notice Proposed: in its veto window or awaiting finalization, being funded.
    /// Vetoed: a guardian refused it; it can never pay claims.
    /// Active: finalized, claims open until the claim deadline, then sweepable.
    /// Expired: never stored; what `snapshot()` reports for a proposal not finalized by its
    /// finalize deadline. It can never become active; its funding is sweepable.
    enum SnapshotState {
        None,
        Proposed,
        Vetoed,
        Active,
        Expired
    }

    /// @notice What a proposer attests to.
    struct Proposal {
        uint256 root;
        uint256[] totals;
        IERC20[] tokens;
        /// @notice The funding the snapshot will carry per asset, in (0, total]: `finalize`
        /// requires at least this much of every asset, so dust cannot activate the snapshot.
        uint256[] declaredFunding;
        address verifier;
        /// @notice Length of the claim window in seconds, counted from finalization, within
        /// [MIN_CLAIM_PERIOD, MAX_CLAIM_PERIOD]; paused time is added to it.
        uint64 claimPeriod;
        address sweepRecipient;
        /// @notice The block whose state the snapshot records (the last block before the incident).
        uint64 snapshotBlock;
        /// @notice sha256 of the published manifest.json, so auditors know which file is attested.
        bytes32 manifestDigest;
        /// @notice Where the manifest is published.
        string uri;
    }

    /// @notice One asset of a snapshot: its token and its total in the tree (below 2^96).
    struct Asset {
        IERC20 token;
        uint96 total;
    }

    /// @notice Per-asset money: what the vault received for the snapshot and what it has paid
    /// (including what was swept).
    struct Ledger {
        uint128 funded;
        uint128 paid;
    }

    /// @notice A snapshot as `snapshot(id)` returns it. Every deadline is effective: it includes
    /// the time the vault spent paused since the snapshot's reference point (the proposal, then
    /// the finalization), and it keeps moving during an ongoing pause.
    struct SnapshotInfo {
        /// @notice Derived: a proposal past its finalize deadline reads `Expired`.
        SnapshotState state;
        uint256 root;
        uint256 commitment;
        address verifier;
        /// @notice Vetoes are accepted before this time; finalization from this time.
        uint64 vetoDeadline;
        /// @notice A proposal not finalized before this time expires; 0 once finalized or vetoed.
        uint64 finalizeDeadline;
        uint64 claimPeriod;
        /// @notice Claims are accepted up to this time (inclusive); 0 until finalized.
        uint64 claimDeadline;
        uint64 snapshotBlock;
        address sweepRecipient;
        bool swept;
        bytes32 manifestDigest;
        string uri;
        Asset[] assets;
        Ledger[] ledgers;
        uint256[] declaredFunding;
    }

    /// @notice A snapshot was proposed; it can be finalized after `vetoDeadline` unless vetoed.
    /// @param snapshotId the id the proposer chose
    /// @param proposer the account holding the proposer role that proposed it
    /// @param vetoDeadline the end of the veto window (before any pause extends it)
    /// @param proposal everything proposed: root, assets, totals, verifier, claim period, sweep recipient
    event SnapshotProposed(uint256 indexed snapshotId, address indexed proposer, uint64 vetoDeadline, Proposal proposal);
    /// @notice A guardian vetoed the proposal; it can never be finalized.
    /// @param snapshotId the vetoed snapshot
    /// @param guardian the guardian that vetoed it
    /// @param reason the guardian's reason, for the record
    event SnapshotVetoed(uint256 indexed snapshotId, address indexed guardian, string reason);
    /// @notice Governance changed the veto window of future proposals.
    /// @param previous the window before, in seconds
    /// @param current the window from now on, in seconds
    event VetoWindowChanged(uint64 previous, uint64 current);
    /// @notice `received` (the balance delta, not the requested amount) was added to an asset.
    /// @param snapshotId the funded snapshot
    /// @param assetIndex the asset's index in the snapshot
    /// @param funder who paid
    /// @param received what the vault's balance grew by
    event SnapshotFunded(uint256 indexed snapshotId, uint256 indexed assetIndex, address indexed funder, uint256 received);
    /// @notice The veto window passed without a veto and the declared funding arrived: claims are
    /// open until `claimDeadline` (plus any later pause); proofs must carry `commitment` as their
    /// first public signal.
    /// @param snapshotId the finalized snapshot
    /// @param commitment the snapshot commitment (docs/protocol.md §5)
    /// @param claimDeadline the end of the claim period (before any pause extends it)
    event SnapshotFinalized(uint256 indexed snapshotId, uint256 commitment, uint64 claimDeadline);
    /// @notice `account` was paid `payouts` (per asset, in the snapshot's order) to `recipient`.
    /// @param snapshotId the snapshot claimed from
    /// @param account the account the proof is for (its nullifier is now spent)
    /// @param recipient who received the tokens (the account, unless it called `claimTo`)
    /// @param payouts the amount paid per asset
    event Claimed(uint256 indexed snapshotId, address indexed account, address indexed recipient, uint256[] payouts);
    /// @notice What was left went to the sweep recipient fixed at proposal.
    /// @param snapshotId the swept snapshot
    /// @param recipient the sweep recipient fixed at proposal
    /// @param amounts what was sent per asset
    event Swept(uint256 indexed snapshotId, address indexed recipient, uint256[] amounts);

    error RecoveryVaultHasherWrongAnswer(address hasher);
    error RecoveryVaultHasherCodeMismatch(address hasher, bytes32 codehash);
    error RecoveryVaultInvalidSnapshotId(uint256 snapshotId);
    error RecoveryVaultSnapshotExists(uint256 snapshotId, SnapshotState state);
    error RecoveryVaultInvalidVetoWindow(uint64 window, uint64 minimum, uint64 maximum);
    error RecoveryVaultVetoWindowOpen(uint256 snapshotId, uint64 vetoDeadline);
    error RecoveryVaultVetoWindowClosed(uint256 snapshotId, uint64 vetoDeadline);
    error RecoveryVaultInvalidRoot(uint256 root);
    error RecoveryVaultInvalidAssetCount(uint256 count);
    error RecoveryVaultTotalsLengthMismatch(uint256 tokens, uint256 totals);
    error RecoveryVaultDeclaredFundingLengthMismatch(uint256 tokens, uint256 declared);
    error RecoveryVaultInvalidToken(uint256 assetIndex, address token);
    error RecoveryVaultDuplicateToken(address token);
    error RecoveryVaultInvalidTotal(uint256 assetIndex, uint256 total);
    error RecoveryVaultInvalidDeclaredFunding(uint256 assetIndex, uint256 declared, uint256 total);
    error RecoveryVaultInvalidVerifier(address verifier);
    error RecoveryVaultInvalidClaimPeriod(uint64 claimPeriod, uint64 minimum, uint64 maximum);
    error RecoveryVaultInvalidSweepRecipient(address recipient);
    error RecoveryVaultWrongState(uint256 snapshotId, SnapshotState state, SnapshotState expected);
    error RecoveryVaultAssetIndexOutOfRange(uint256 snapshotId, uint256 assetIndex);
    error RecoveryVaultNothingReceived(uint256 snapshotId, uint256 assetIndex);
    error RecoveryVaultFundingExceedsTotal(uint256 snapshotId, uint256 assetIndex, uint256 funded, uint256 total);
    error RecoveryVaultUnderfunded(uint256 snapshotId, uint256 assetIndex, uint256 funded, uint256 declared);
    error RecoveryVaultClaimsClosed(uint256 snapshotId, uint64 claimDeadline);
    error RecoveryVaultClaimsStillOpen(uint256 snapshotId, uint64 claimDeadline);
    error RecoveryVaultNotSweepable(uint256 snapshotId, SnapshotState state);
    error RecoveryVaultAlreadySwept(uint256 snapshotId);
    error RecoveryVaultPublicSignalCount(uint256 expected, uint256 actual);
    error RecoveryVaultPublicSignalNotInField(uint256 index, uint256 value);
    error RecoveryVaultWrongSnapshotCommitment(uint256 expected, uint256 actual);
    error RecoveryVaultInvalidAccount(uint256 value);
    error RecoveryVaultInvalidAmounts(uint256 wordIndex, uint256 word);
    error RecoveryVaultAlreadyClaimed(uint256 snapshotId, address account);
    error RecoveryVaultInvalidProof(uint256 snapshotId, address account);
    error RecoveryVaultNotAccount(address caller, address account);
    error RecoveryVaultInvalidRecipient(address recipient);
    error RecoveryVaultPayoutExceedsFunding(uint256 snapshotId, uint256 assetIndex);

    /// @notice Proposes a snapshot under an id of the proposer's choosing (an incident number, say);
    /// an id is used once: a finalized, vetoed or expired id cannot be proposed again. Only the
    /// proposer role. Claims can open only after the veto window, through `finalize`.
    /// @param snapshotId the new snapshot's id (non-zero, never used before)
    /// @param proposal the root, assets, totals, declared funding, verifier, claim period and sweep recipient
    function propose(uint256 snapshotId, Proposal calldata proposal) external;

    /// @notice Vetoes a proposal during its veto window, with a reason for the record. Only the
    /// guardian role (guardians, auditors; the emergency multisig). Allowed while paused.
    /// @param snapshotId the proposal to veto
    /// @param reason why, for the record (emitted, not stored)
    function veto(uint256 snapshotId, string calldata reason) external;

    /// @notice From the veto deadline until the finalize deadline, opens claims for
    /// `claimPeriod`: checks every asset is funded to at least its declared funding and computes
    /// the snapshot commitment. Anyone may call it.
    /// @param snapshotId the proposal to finalize
    function finalize(uint256 snapshotId) external;

    /// @notice Stops claims, funding, finalization and sweeps. Only the guardian role: the
    /// emergency multisig can halt, but not undo a halt or move funds. The paused time is added
    /// to every snapshot's windows, so a pause delays deadlines and never shortens them.
    function pause() external;

    /// @notice Resumes after a pause. Only the admin role (governance, behind its timelock).
    function unpause() external;

    /// @notice Sets the veto window of future proposals, within [MIN_VETO_WINDOW,
    /// MAX_VETO_WINDOW]. Only the admin role, which production gives to a TimelockController.
    /// @param window the new veto window, in seconds
    function setVetoWindow(uint64 window) external;

    /// @notice Adds recovered funds to a proposed (not yet finalized, not expired) snapshot, up to
    /// the asset's total. Anyone may fund.
    /// WARNING: the vault records the balance it actually received, so fee-on-transfer tokens are
    /// accounted correctly; rebasing tokens are not supported (their balances drift after funding).
    /// @param snapshotId the snapshot to fund
    /// @param assetIndex the asset's index in the snapshot
    /// @param amount what to transfer from the caller (it must have approved the vault)
    function fund(uint256 snapshotId, uint256 assetIndex, uint256 amount) external;

    /// @notice Pays the account named in the proof its pro-rata share. Anyone may submit it
    /// (relayers, gas sponsors): the money always goes to the account.
    /// @param snapshotId the snapshot to claim from
    /// @param pA the proof's A point
    /// @param pB the proof's B point
    /// @param pC the proof's C point
    /// @param pubSignals the public signals: the snapshot commitment, the account and the packed amounts
    function claim(
        uint256 snapshotId,
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[] calldata pubSignals
    ) external;

    /// @notice Like `claim`, but pays `recipient`; only the account itself may call it.
    /// @param snapshotId the snapshot to claim from
    /// @param pA the proof's A point
    /// @param pB the proof's B point
    /// @param pC the proof's C point
    /// @param pubSignals the public signals: the snapshot commitment, the account and the packed amounts
    /// @param recipient who receives the payout (not zero, not the vault)
    function claimTo(
        uint256 snapshotId,
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[] calldata pubSignals,
        address recipient
    ) external;

    /// @notice Sends what was not claimed to the sweep recipient fixed at proposal, once the
    /// snapshot can no longer pay: after the claim deadline of a finalized snapshot, at any time
    /// for a vetoed one, after the finalize deadline of one never finalized. Only the proposer
    /// role; once; not while paused.
    /// @param snapshotId the snapshot to sweep
    function sweep(uint256 snapshotId) external;

    /// @notice The snapshot with its derived state and effective deadlines, assets, ledgers and
    /// declared funding.
    /// @param snapshotId the snapshot to read (an unknown id reads as `None`)
    function snapshot(uint256 snapshotId) external view returns (SnapshotInfo memory);

    /// @notice Whether `account` has claimed from the snapshot.
    /// @param snapshotId the snapshot
    /// @param account the account in the snapshot's tree
    function isClaimed(uint256 snapshotId, address account) external view returns (bool);

    /// @notice The context value of docs/protocol.md §5 for this chain, vault and snapshot.
    /// @param snapshotId the snapshot
    function context(uint256 snapshotId) external view returns (uint256);

    /// @notice The veto window given to new proposals, in seconds.
    function vetoWindow() external view returns (uint64);

    /// @notice Seconds the vault has spent paused since deployment, the ongoing pause included.
    function pausedTime() external view returns (uint64);
}
