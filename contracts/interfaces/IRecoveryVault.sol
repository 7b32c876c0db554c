// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title Lifeboat RecoveryVault
/// @notice Holds recovered ERC-20 collateral for post-incident snapshots and pays every user who
/// proves, in zero knowledge, that their leaf is in a snapshot's Merkle sum tree: each asset pays
/// `amount * funded / total`, rounded down. See docs/protocol.md and docs/contracts.md.
interface IRecoveryVault {
    /// @notice Created: configured and being funded. Active: claims open until the deadline.
    enum SnapshotState {
        None,
        Created,
        Active
    }

    /// @notice One asset of a snapshot: its token and its total in the tree (below 2^96).
    struct Asset {
        IERC20 token;
        uint96 total;
    }

    /// @notice Per-asset money: what the vault received for the snapshot and what it has paid.
    struct Ledger {
        uint128 funded;
        uint128 paid;
    }

    /// @notice A snapshot as `snapshot(id)` returns it.
    struct SnapshotInfo {
        SnapshotState state;
        uint256 root;
        uint256 commitment;
        address verifier;
        uint64 claimDeadline;
        address sweepRecipient;
        bool swept;
        Asset[] assets;
        Ledger[] ledgers;
    }

    /// @notice A snapshot was configured; claims open only after activation.
    event SnapshotCreated(
        uint256 indexed snapshotId,
        uint256 root,
        uint256[] totals,
        IERC20[] tokens,
        address verifier,
        uint64 claimDeadline,
        address sweepRecipient
    );
    /// @notice `received` (the balance delta, not the requested amount) was added to an asset.
    event SnapshotFunded(uint256 indexed snapshotId, uint256 indexed assetIndex, address indexed funder, uint256 received);
    /// @notice Claims are open; proofs must carry `commitment` as their first public signal.
    event SnapshotActivated(uint256 indexed snapshotId, uint256 commitment);
    /// @notice `account` was paid `payouts` (per asset, in the snapshot's order) to `recipient`.
    event Claimed(uint256 indexed snapshotId, address indexed account, address indexed recipient, uint256[] payouts);
    /// @notice What was left after the deadline went to the sweep recipient fixed at creation.
    event Swept(uint256 indexed snapshotId, address indexed recipient, uint256[] amounts);

    error RecoveryVaultInvalidRoot(uint256 root);
    error RecoveryVaultInvalidAssetCount(uint256 count);
    error RecoveryVaultTotalsLengthMismatch(uint256 tokens, uint256 totals);
    error RecoveryVaultInvalidToken(uint256 assetIndex, address token);
    error RecoveryVaultDuplicateToken(address token);
    error RecoveryVaultInvalidTotal(uint256 assetIndex, uint256 total);
    error RecoveryVaultInvalidVerifier(address verifier);
    error RecoveryVaultInvalidDeadline(uint64 claimDeadline, uint256 now_);
    error RecoveryVaultInvalidSweepRecipient(address recipient);
    error RecoveryVaultWrongState(uint256 snapshotId, SnapshotState state, SnapshotState expected);
    error RecoveryVaultAssetIndexOutOfRange(uint256 snapshotId, uint256 assetIndex);
    error RecoveryVaultNothingReceived(uint256 snapshotId, uint256 assetIndex);
    error RecoveryVaultFundingOverflow(uint256 snapshotId, uint256 assetIndex, uint256 funded);
    error RecoveryVaultUnfunded(uint256 snapshotId, uint256 assetIndex);
    error RecoveryVaultClaimsClosed(uint256 snapshotId, uint64 claimDeadline);
    error RecoveryVaultClaimsStillOpen(uint256 snapshotId, uint64 claimDeadline);
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

    /// @notice Configures a snapshot. Only the operator role.
    /// @param root The sum tree's root (docs/protocol.md §3).
    /// @param totals Per-asset totals of the tree, each in (0, 2^96).
    /// @param tokens The ERC-20 paid for each asset, in the tree's asset order; distinct.
    /// @param verifier The Groth16 verifier generated for the snapshot's circuit instance.
    /// @param claimDeadline Claims close after this timestamp; then what is left can be swept.
    /// @param sweepRecipient Fixed now, so that nobody can redirect the remainder later.
    /// @return snapshotId The new snapshot's id (from 1), part of every proof's context.
    function createSnapshot(
        uint256 root,
        uint256[] calldata totals,
        IERC20[] calldata tokens,
        address verifier,
        uint64 claimDeadline,
        address sweepRecipient
    ) external returns (uint256 snapshotId);

    /// @notice Adds recovered funds to a created (not yet active) snapshot. Anyone may fund.
    /// WARNING: the vault records the balance it actually received, so fee-on-transfer tokens are
    /// accounted correctly; rebasing tokens are not supported (their balances drift after funding).
    function fund(uint256 snapshotId, uint256 assetIndex, uint256 amount) external;

    /// @notice Opens claims: computes the snapshot commitment. Only the operator role; every asset
    /// must be funded.
    function activate(uint256 snapshotId) external;

    /// @notice Pays the account named in the proof its pro-rata share. Anyone may submit it
    /// (relayers, gas sponsors): the money always goes to the account.
    function claim(
        uint256 snapshotId,
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[] calldata pubSignals
    ) external;

    /// @notice Like `claim`, but pays `recipient`; only the account itself may call it.
    function claimTo(
        uint256 snapshotId,
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[] calldata pubSignals,
        address recipient
    ) external;

    /// @notice After the deadline, sends what was not claimed to the sweep recipient. Only the
    /// operator role; once.
    function sweep(uint256 snapshotId) external;

    /// @notice The snapshot, its assets and its ledgers.
    function snapshot(uint256 snapshotId) external view returns (SnapshotInfo memory);

    /// @notice Whether `account` has claimed from the snapshot.
    function isClaimed(uint256 snapshotId, address account) external view returns (bool);

    /// @notice The context value of docs/protocol.md §5 for this chain, vault and snapshot.
    function context(uint256 snapshotId) external view returns (uint256);

    /// @notice The number of snapshots created so far (ids run from 1 to this).
    function snapshotCount() external view returns (uint256);
}
