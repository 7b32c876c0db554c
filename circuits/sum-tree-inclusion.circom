pragma circom 2.1.5;

include "circomlib/circuits/poseidon.circom";
include "./sum-tree.circom";

// Inclusion in a Merkle sum tree: recomputes the root and the per-asset totals from a leaf (its
// hash and its lanes) and the path of siblings above it, as docs/protocol.md defines the node:
// node = Poseidon(leftHash, leftWords.., rightHash, rightWords..), sums added lane by lane.
//
// The caller compares `root` and `totals` with what it trusts (the claim circuit binds both into
// the snapshot commitment); a wrong sibling hash or sum gives another root, not a failure.
//
// What it checks itself: every path bit is 0 or 1, every sibling lane and every total is below
// 2^LANE_BITS (a negative sibling sum would let a dishonest tree understate the totals). Parent sums
// need no range check of their own: they are sums of at most DEPTH + 1 range-checked lanes and
// the totals are range-checked, so no sum on the path can wrap the field or carry into the
// neighbouring lane.
// NOTE: the caller must range-check leafSums (below 2^LANE_BITS each).
template SumTreeInclusion(DEPTH, ASSETS) {
    assert(DEPTH >= 1 && DEPTH <= 32);
    assert(ASSETS >= 1 && ASSETS <= 4);
    var WORDS = wordCount(ASSETS);

    signal input leafHash;
    signal input leafSums[ASSETS];
    signal input pathBits[DEPTH];            // bit i = 1: the path node at height i is a right child
    signal input siblingHashes[DEPTH];
    signal input siblingSums[DEPTH][ASSETS];
    signal output root;
    signal output totals[ASSETS];

    // The path, from the leaf (height 0) to the root.
    signal hashes[DEPTH + 1];
    signal sums[DEPTH + 1][ASSETS];
    hashes[0] <== leafHash;
    sums[0] <== leafSums;

    component nodeHash[DEPTH];
    component hashOrder[DEPTH];
    component wordOrder[DEPTH][WORDS];
    signal currentWords[DEPTH][WORDS];
    signal siblingWords[DEPTH][WORDS];

    for (var i = 0; i < DEPTH; i++) {
        pathBits[i] * (1 - pathBits[i]) === 0;

        for (var k = 0; k < ASSETS; k++) {
            RangeCheck(LANE_BITS())(siblingSums[i][k]);
            sums[i + 1][k] <== sums[i][k] + siblingSums[i][k];
        }
        currentWords[i] <== PackLanes(ASSETS)(sums[i]);
        siblingWords[i] <== PackLanes(ASSETS)(siblingSums[i]);

        hashOrder[i] = OrderPair();
        hashOrder[i].current <== hashes[i];
        hashOrder[i].sibling <== siblingHashes[i];
        hashOrder[i].isRight <== pathBits[i];

        // Node inputs: left hash, left words, right hash, right words.
        nodeHash[i] = Poseidon(2 + 2 * WORDS);
        nodeHash[i].inputs[0] <== hashOrder[i].left;
        nodeHash[i].inputs[1 + WORDS] <== hashOrder[i].right;
        for (var j = 0; j < WORDS; j++) {
            wordOrder[i][j] = OrderPair();
            wordOrder[i][j].current <== currentWords[i][j];
            wordOrder[i][j].sibling <== siblingWords[i][j];
            wordOrder[i][j].isRight <== pathBits[i];
            nodeHash[i].inputs[1 + j] <== wordOrder[i][j].left;
            nodeHash[i].inputs[2 + WORDS + j] <== wordOrder[i][j].right;
        }
        hashes[i + 1] <== nodeHash[i].out;
    }

    // The totals: range-checked so that their packing into words decodes in exactly one way.
    for (var k = 0; k < ASSETS; k++) {
        RangeCheck(LANE_BITS())(sums[DEPTH][k]);
    }
    root <== hashes[DEPTH];
    totals <== sums[DEPTH];
}
