pragma circom 2.1.5;

include "circomlib/circuits/poseidon.circom";
include "./sum-tree.circom";
include "./sum-tree-inclusion.circom";

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
// The leaf's balances are range-checked here (they are also the public amounts); the path check,
// with its own range checks on sibling sums and totals, is SumTreeInclusion
// (circuits/sum-tree-inclusion.circom).
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

    // The path, from the leaf (height 0) to the root, and the range-checked totals.
    component inclusion = SumTreeInclusion(DEPTH, ASSETS);
    inclusion.leafHash <== leafHash.out;
    inclusion.leafSums <== balances;
    inclusion.pathBits <== pathBits;
    inclusion.siblingHashes <== siblingHashes;
    inclusion.siblingSums <== siblingSums;

    signal totalsWords[WORDS] <== PackLanes(ASSETS)(inclusion.totals);

    component commitment = Poseidon(5);
    commitment.inputs[0] <== SNAPSHOT_DOMAIN;
    commitment.inputs[1] <== inclusion.root;
    commitment.inputs[2] <== totalsWords[0];
    if (WORDS > 1) {
        commitment.inputs[3] <== totalsWords[1];
    } else {
        commitment.inputs[3] <== 0;
    }
    commitment.inputs[4] <== context;
    snapshotCommitment === commitment.out;
}
