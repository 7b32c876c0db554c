// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";

/// @title OracleGuard
/// @author Lifeboat
/// @notice Prices from several Chainlink-style feeds per asset, read defensively: each feed's answer
/// must be positive, from a complete round (`updatedAt != 0`, `answeredInRound >= roundId`), not
/// from the future and not older than that feed's `maxAge`. The price is the median of the valid
/// answers, and it is refused when
/// - fewer than `minValidFeeds` feeds give a valid answer (`OracleGuardTooFewValidFeeds`);
/// - the valid answers disagree: (highest - lowest) / median above `maxSpreadBps`
///   (`OracleGuardFeedsDisagree`);
/// - the median deviates from the reference price by more than `maxDeviationBps`
///   (`OracleGuardDeviatesFromReference`), when a reference is set.
/// A feed that reverts, returns garbage or runs out of its gas allowance is counted as invalid, so
/// one broken feed cannot block the others.
///
/// In the style of OpenZeppelin's `Pausable`: internal functions, no access policy. The inheriting
/// protocol exposes `_setOracle` and `_setReferencePrice` to its governance and reads prices with
/// - `_guardedPrice(asset)` in state-changing paths: on a refusal it emits `OracleGuardPriceRejected`
///   (carrying the refusal, ABI-encoded as the custom error) and calls the `_onPriceRejected` hook,
///   where the protocol halts, and returns `(false, 0)`: the caller must return without lending, so
///   that the halt persists (a revert would undo it);
/// - `_requirePrice(asset)` where reverting is right (views, quotes): it reverts with the refusal.
///
/// Decimals: every price is normalised to `PRICE_DECIMALS` (18) decimals, i.e. an answer `a` of a
/// feed with `d` decimals becomes `a * 10**(18 - d)` (or `a / 10**(d - 18)` for d > 18, rounding
/// down). What the price is a price *of* (USD per whole token, quote-token base units per 1e18
/// base units, …) is the protocol's convention: all feeds of one asset must quote the same pair.
/// Each feed's `decimals()` is read once, when the feeds are set.
///
/// WARNING: a median of two feeds is their mean. Use at least three feeds and `minValidFeeds >= 2`
/// for an asset that matters, and keep a reference price: with one valid feed left, the spread
/// check has nothing to compare and only the reference bounds a lie.
abstract contract OracleGuard {
    /// @notice Decimals of every price this module returns.
    uint8 public constant PRICE_DECIMALS = 18;
    /// @notice Most feeds per asset (the median is an insertion sort over them).
    uint256 public constant MAX_FEEDS = 9;
    /// @notice Gas given to each feed's `latestRoundData` call; a feed that needs more is invalid.
    uint256 public constant FEED_GAS = 100_000;
    /// @notice Most decimals a feed may declare.
    uint8 public constant MAX_FEED_DECIMALS = 36;

    uint256 private constant BPS = 10_000;
    /// @dev Normalised prices above this are refused as invalid, so sums and products never overflow.
    uint256 private constant MAX_PRICE = type(uint128).max;

    /// @notice One feed of an asset.
    /// @param source the feed
    /// @param decimals its `decimals()`, read when it was set
    /// @param maxAge the oldest `updatedAt` accepted, in seconds before now (its heartbeat plus a margin)
    struct Feed {
        AggregatorV3Interface source;
        uint8 decimals;
        uint32 maxAge;
    }

    /// @notice How an asset's feeds are combined and bounded.
    /// @param minValidFeeds the fewest valid answers a price needs
    /// @param maxSpreadBps the largest (highest - lowest) / median accepted among valid answers
    /// @param maxDeviationBps the largest |median - reference| / reference accepted (0: no reference)
    /// @param referencePrice the reference, 18 decimals (0: no reference)
    struct Policy {
        uint8 minValidFeeds;
        uint16 maxSpreadBps;
        uint16 maxDeviationBps;
        uint256 referencePrice;
    }

    /// @notice Why a feed's answer was not used.
    enum FeedStatus {
        Valid,
        CallFailed,
        NonPositive,
        IncompleteRound,
        StaleRound,
        Stale,
        FromTheFuture,
        OutOfRange
    }

    /// @notice One feed's latest answer as this module sees it.
    struct Reading {
        FeedStatus status;
        uint256 price;
        uint256 updatedAt;
    }

    mapping(address asset => Feed[]) private _feeds;
    mapping(address asset => Policy) private _policies;

    /// @notice The asset's feeds and policy were (re)set.
    /// @param asset the asset
    /// @param feeds its feeds, with their decimals and max ages
    /// @param minValidFeeds the fewest valid answers a price needs
    /// @param maxSpreadBps the largest spread among valid answers, basis points of the median
    event OracleGuardConfigured(address indexed asset, Feed[] feeds, uint8 minValidFeeds, uint16 maxSpreadBps);
    /// @notice The asset's reference price and deviation bound were set.
    /// @param asset the asset
    /// @param referencePrice the reference, 18 decimals (0: none)
    /// @param maxDeviationBps the largest deviation of the median from it, basis points (0: none)
    event OracleGuardReferenceSet(address indexed asset, uint256 referencePrice, uint16 maxDeviationBps);
    /// @notice `_guardedPrice` refused the asset's price; `refusal` is the ABI-encoded custom error.
    /// @param asset the asset
    /// @param refusal the refusal, ABI-encoded as its custom error
    event OracleGuardPriceRejected(address indexed asset, bytes refusal);

    /// @notice The asset has no feeds.
    error OracleGuardUnknownAsset(address asset);
    /// @notice Only `valid` feeds gave a valid answer; the policy requires `required`.
    error OracleGuardTooFewValidFeeds(address asset, uint256 valid, uint256 required);
    /// @notice The valid answers spread from `low` to `high`: `spreadBps` of the median, above `maxSpreadBps`.
    error OracleGuardFeedsDisagree(address asset, uint256 low, uint256 high, uint256 spreadBps, uint256 maxSpreadBps);
    /// @notice The median `price` is more than `maxDeviationBps` away from `referencePrice`.
    error OracleGuardDeviatesFromReference(address asset, uint256 price, uint256 referencePrice, uint256 maxDeviationBps);
    /// @notice Not enough gas left to give feed `index` its `FEED_GAS`: retry with more gas. Reverts
    /// rather than counting the feed as invalid, so no caller can fake a failed feed by starving it.
    error OracleGuardInsufficientGas(uint256 index);
    /// @notice The asset address is zero.
    error OracleGuardInvalidAsset(address asset);
    /// @notice An asset needs 1..MAX_FEEDS feeds, with as many max ages.
    error OracleGuardInvalidFeedCount(uint256 feeds, uint256 maxAges);
    /// @notice Feed `index` is the zero address, has no code, or its `decimals()` failed.
    error OracleGuardInvalidFeed(uint256 index, address feed);
    /// @notice Feed `index` appears twice (it would count twice towards the median).
    error OracleGuardDuplicateFeed(uint256 index, address feed);
    /// @notice Feed `index` declares more than MAX_FEED_DECIMALS decimals.
    error OracleGuardInvalidFeedDecimals(uint256 index, uint8 decimals);
    /// @notice Feed `index` has a max age of 0.
    error OracleGuardInvalidMaxAge(uint256 index, uint32 maxAge);
    /// @notice `minValidFeeds` must be 1..the number of feeds.
    error OracleGuardInvalidMinValidFeeds(uint256 minValidFeeds, uint256 feeds);
    /// @notice A bound in basis points must be 1..10000.
    error OracleGuardInvalidBps(uint256 bps);
    /// @notice A reference and its deviation bound are set together (both non-zero) or cleared together.
    error OracleGuardInvalidReference(uint256 referencePrice, uint16 maxDeviationBps);

    // ---- views ---------------------------------------------------------------------------------

    /// @notice The asset's feeds.
    /// @param asset the asset
    function oracleFeeds(address asset) public view virtual returns (Feed[] memory) {
        return _feeds[asset];
    }

    /// @notice The asset's policy.
    /// @param asset the asset
    function oraclePolicy(address asset) public view virtual returns (Policy memory) {
        return _policies[asset];
    }

    /// @notice Every feed's latest answer and whether it is usable (for monitors and dashboards).
    /// @param asset the asset
    /// @return readings one per feed, in the order they were set
    function oracleReadings(address asset) public view virtual returns (Reading[] memory readings) {
        Feed[] storage feeds = _feeds[asset];
        readings = new Reading[](feeds.length);
        for (uint256 i = 0; i < feeds.length; ++i) {
            readings[i] = _read(feeds[i], i);
        }
    }

    /// @notice The guarded price, or the refusal (an ABI-encoded custom error) and a price of 0.
    /// @param asset the asset
    /// @return price the median, 18 decimals (0 on a refusal)
    /// @return refusal empty, or the refusal ABI-encoded as its custom error
    function oraclePrice(address asset) public view virtual returns (uint256 price, bytes memory refusal) {
        return _readPrice(asset);
    }

    // ---- configuration -------------------------------------------------------------------------

    /// @dev Sets the asset's feeds (replacing any before) and how they are combined. Reads each
    /// feed's `decimals()`. The reference price, if any, is kept. Expose to governance only.
    function _setOracle(
        address asset,
        AggregatorV3Interface[] memory sources,
        uint32[] memory maxAges,
        uint8 minValidFeeds,
        uint16 maxSpreadBps
    ) internal virtual {
        if (asset == address(0)) revert OracleGuardInvalidAsset(asset);
        uint256 count = sources.length;
        if (count == 0 || count > MAX_FEEDS || maxAges.length != count) revert OracleGuardInvalidFeedCount(count, maxAges.length);
        if (minValidFeeds == 0 || minValidFeeds > count) revert OracleGuardInvalidMinValidFeeds(minValidFeeds, count);
        if (maxSpreadBps == 0 || maxSpreadBps > BPS) revert OracleGuardInvalidBps(maxSpreadBps);
        Feed[] storage feeds = _feeds[asset];
        delete _feeds[asset];
        for (uint256 i = 0; i < count; ++i) {
            AggregatorV3Interface source = sources[i];
            if (address(source).code.length == 0) revert OracleGuardInvalidFeed(i, address(source));
            for (uint256 j = 0; j < i; ++j) {
                if (sources[j] == source) revert OracleGuardDuplicateFeed(i, address(source));
            }
            if (maxAges[i] == 0) revert OracleGuardInvalidMaxAge(i, maxAges[i]);
            uint8 decimals;
            try source.decimals() returns (uint8 d) {
                decimals = d;
            } catch {
                revert OracleGuardInvalidFeed(i, address(source));
            }
            if (decimals > MAX_FEED_DECIMALS) revert OracleGuardInvalidFeedDecimals(i, decimals);
            feeds.push(Feed({source: source, decimals: decimals, maxAge: maxAges[i]}));
        }
        Policy storage policy = _policies[asset];
        policy.minValidFeeds = minValidFeeds;
        policy.maxSpreadBps = maxSpreadBps;
        emit OracleGuardConfigured(asset, feeds, minValidFeeds, maxSpreadBps);
    }

    /// @dev Sets the asset's reference price (18 decimals) and how far the median may stray from
    /// it; `(0, 0)` turns the reference check off. Expose to governance (or to a slow anchor: a
    /// TWAP, the last accepted price moved by a bounded step).
    function _setReferencePrice(address asset, uint256 referencePrice, uint16 maxDeviationBps) internal virtual {
        if (_feeds[asset].length == 0) revert OracleGuardUnknownAsset(asset);
        if ((referencePrice == 0) != (maxDeviationBps == 0) || referencePrice > MAX_PRICE) {
            revert OracleGuardInvalidReference(referencePrice, maxDeviationBps);
        }
        if (maxDeviationBps > BPS) revert OracleGuardInvalidBps(maxDeviationBps);
        Policy storage policy = _policies[asset];
        policy.referencePrice = referencePrice;
        policy.maxDeviationBps = maxDeviationBps;
        emit OracleGuardReferenceSet(asset, referencePrice, maxDeviationBps);
    }

    // ---- reading -------------------------------------------------------------------------------

    /// @dev The asset's price for a state-changing path. On a refusal: emits
    /// `OracleGuardPriceRejected`, calls `_onPriceRejected` (halt there) and returns `(false, 0)`;
    /// the caller must then return without acting on a price, and without reverting.
    function _guardedPrice(address asset) internal virtual returns (bool ok, uint256 price) {
        bytes memory refusal;
        (price, refusal) = _readPrice(asset);
        if (refusal.length == 0) return (true, price);
        emit OracleGuardPriceRejected(asset, refusal);
        _onPriceRejected(asset, refusal);
        return (false, 0);
    }

    /// @dev The asset's price, or a revert with the refusal's custom error.
    function _requirePrice(address asset) internal view virtual returns (uint256 price) {
        bytes memory refusal;
        (price, refusal) = _readPrice(asset);
        if (refusal.length != 0) {
            // re-raises the refusal, an ABI-encoded custom error, as it is
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(add(refusal, 0x20), mload(refusal))
            }
        }
    }

    /// @dev Called by `_guardedPrice` on a refusal, after the event. Halt (or enter safe mode) here.
    function _onPriceRejected(address asset, bytes memory refusal) internal virtual;

    /// @dev The median of the valid answers and its checks; a refusal comes back ABI-encoded as the
    /// custom error (and the price as 0) instead of reverting, so callers choose to halt or revert.
    function _readPrice(address asset) internal view virtual returns (uint256 price, bytes memory refusal) {
        Feed[] storage feeds = _feeds[asset];
        uint256 count = feeds.length;
        if (count == 0) return (0, abi.encodeWithSelector(OracleGuardUnknownAsset.selector, asset));
        Policy memory policy = _policies[asset];
        uint256[] memory prices = new uint256[](count);
        uint256 valid;
        for (uint256 i = 0; i < count; ++i) {
            Reading memory reading = _read(feeds[i], i);
            if (reading.status != FeedStatus.Valid) continue;
            // Insertion sort: at most MAX_FEEDS values.
            uint256 j = valid;
            while (j > 0 && prices[j - 1] > reading.price) {
                prices[j] = prices[j - 1];
                --j;
            }
            prices[j] = reading.price;
            ++valid;
        }
        if (valid < policy.minValidFeeds) {
            return (0, abi.encodeWithSelector(OracleGuardTooFewValidFeeds.selector, asset, valid, uint256(policy.minValidFeeds)));
        }
        uint256 mid = valid / 2;
        price = valid % 2 == 1 ? prices[mid] : (prices[mid - 1] + prices[mid]) / 2;
        uint256 low = prices[0];
        uint256 high = prices[valid - 1];
        if ((high - low) * BPS > uint256(policy.maxSpreadBps) * price) {
            bytes memory disagree = abi.encodeWithSelector(
                OracleGuardFeedsDisagree.selector, asset, low, high, ((high - low) * BPS) / price, uint256(policy.maxSpreadBps)
            );
            return (0, disagree);
        }
        uint256 reference_ = policy.referencePrice;
        if (reference_ != 0) {
            uint256 difference = price > reference_ ? price - reference_ : reference_ - price;
            if (difference * BPS > uint256(policy.maxDeviationBps) * reference_) {
                bytes memory deviates = abi.encodeWithSelector(
                    OracleGuardDeviatesFromReference.selector, asset, price, reference_, uint256(policy.maxDeviationBps)
                );
                return (0, deviates);
            }
        }
        return (price, "");
    }

    /// @dev One feed's latest round, checked and normalised to 18 decimals. The call gets exactly
    /// `FEED_GAS` and at most 160 bytes of return data are copied: a feed that reverts, loops or
    /// returns garbage is `CallFailed`, never a revert here.
    function _read(Feed storage feed, uint256 index) private view returns (Reading memory reading) {
        if (gasleft() < FEED_GAS + FEED_GAS / 63 + 5_000) revert OracleGuardInsufficientGas(index);
        address source = address(feed.source);
        bytes4 selector = AggregatorV3Interface.latestRoundData.selector;
        bool success;
        uint256 size;
        uint256[5] memory out;
        // a high-level call would copy unbounded return data and revert on garbage
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let input := mload(0x40)
            mstore(input, selector)
            success := staticcall(FEED_GAS, source, input, 4, out, 160)
            size := returndatasize()
        }
        if (!success || size < 160 || out[0] > type(uint80).max || out[4] > type(uint80).max) {
            reading.status = FeedStatus.CallFailed;
            return reading;
        }
        uint256 roundId = out[0];
        int256 answer = int256(out[1]);
        uint256 updatedAt = out[3];
        uint256 answeredInRound = out[4];
        reading.updatedAt = updatedAt;
        if (answer <= 0) reading.status = FeedStatus.NonPositive;
        else if (updatedAt == 0) reading.status = FeedStatus.IncompleteRound;
        else if (answeredInRound < roundId) reading.status = FeedStatus.StaleRound;
        else if (updatedAt > block.timestamp) reading.status = FeedStatus.FromTheFuture;
        else if (block.timestamp - updatedAt > feed.maxAge) reading.status = FeedStatus.Stale;
        else {
            (bool inRange, uint256 price) = _normalise(uint256(answer), feed.decimals);
            if (inRange) reading.price = price;
            else reading.status = FeedStatus.OutOfRange;
        }
    }

    /// @dev `answer` (with `decimals` decimals) in 18 decimals; out of range if it is 0 after
    /// rounding down or above MAX_PRICE.
    function _normalise(uint256 answer, uint8 decimals) private pure returns (bool inRange, uint256 price) {
        if (decimals <= PRICE_DECIMALS) {
            uint256 scale = 10 ** (PRICE_DECIMALS - decimals);
            if (answer > MAX_PRICE / scale) return (false, 0);
            price = answer * scale;
        } else {
            price = answer / 10 ** (decimals - PRICE_DECIMALS);
        }
        inRange = price != 0 && price <= MAX_PRICE;
    }
}
