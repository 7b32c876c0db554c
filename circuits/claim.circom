pragma circom 2.1.5;

include "circomlib/circuits/poseidon.circom";
include "./sum-tree.circom";

// The Lifeboat claim: "my leaf (account, salt, balances) is in the sum tree that the snapshot
// commitment names, and these are my balances". The exact encodings are in docs/protocol.md.
//
// Public inputs, in this order (they are the verifier's public signals):
//   snapshotCommitment  binds root, per-asset totals and context (see below)
//   account             the 160-bit address the vault pays
//   amounts[W]          the account's balances packed into W = wordCount(ASSETS) words
//
// snapshotCommitment = Poseidon(SNAPSHOT_DOMAIN, root, totalsWords[0], totalsWords[1], context).
// The vault computes it once per snapshot from the root and totals it holds and the context it
// derives itself (chain id, its own address, snapshot id), so one public signal binds the proof to
// the root, to the per-asset totals used for pro-rata payouts, and to one chain, vault and snapshot.
//
// What each constraint buys (per tree level): Poseidon(2 + 2W) for the node, one OrderPair per
// Poseidon input pair, and a range check on each sibling lane (a negative sibling sum would let a
// dishonest tree understate the totals). Parent sums need no range check of their own: they are
// sums of at most DEPTH + 1 range-checked lanes, and the totals are range-checked at the top, so
// no sum on the path can wrap the field or overflow into the neighbouring lane.
template LifeboatClaim(DEPTH, ASSETS) {
    assert(DEPTH >= 1 && DEPTH <= 32);
    assert(ASSETS >= 1 && ASSETS <= 4);
    var WORDS = wordCount(ASSETS);
    // keccak256("lifeboat.snapshot-commitment.v1") mod p; SNAPSHOT_DOMAIN in docs/protocol.md.
    var SNAPSHOT_DOMAIN = 6337192634406303171877220461383180664418167884754861147510057367674785934463;

    // Public inputs.
    signal input snapshotCommitment;
    signal input account;
    signal input amounts[WORDS];

    // Private inputs.
    signal input context;
    signal input salt;
    signal input balances[ASSETS];
    signal input pathBits[DEPTH];            // bit i = 1: the path node at height i is a right child
    signal input siblingHashes[DEPTH];
    signal input siblingSums[DEPTH][ASSETS];

    // The leaf. Range-checked balances make the packing injective and the amounts decodable.
    for (var k = 0; k < ASSETS; k++) {
        RangeCheck(LANE_BITS())(balances[k]);
    }
    signal leafWords[WORDS] <== PackLanes(ASSETS)(balances);
    for (var j = 0; j < WORDS; j++) {
        amounts[j] === leafWords[j];
    }

    component leafHash = Poseidon(2 + WORDS);
    leafHash.inputs[0] <== account;
    leafHash.inputs[1] <== salt;
    for (var j = 0; j < WORDS; j++) {
        leafHash.inputs[2 + j] <== leafWords[j];
    }

    // The path, from the leaf (height 0) to the root.
    signal hashes[DEPTH + 1];
    signal sums[DEPTH + 1][ASSETS];
    hashes[0] <== leafHash.out;
    sums[0] <== balances;

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
    signal totalsWords[WORDS] <== PackLanes(ASSETS)(sums[DEPTH]);

    component commitment = Poseidon(5);
    commitment.inputs[0] <== SNAPSHOT_DOMAIN;
    commitment.inputs[1] <== hashes[DEPTH];
    commitment.inputs[2] <== totalsWords[0];
    if (WORDS > 1) {
        commitment.inputs[3] <== totalsWords[1];
    } else {
        commitment.inputs[3] <== 0;
    }
    commitment.inputs[4] <== context;
    snapshotCommitment === commitment.out;
}
