pragma circom 2.1.5;

include "circomlib/circuits/bitify.circom";

// Building blocks of the Lifeboat Merkle sum tree. See docs/protocol.md, "Lanes and words".
//
// Every per-asset value (a balance or a sum) is a LANE of LANE_BITS bits. Two lanes are packed
// into one field element, a WORD: word[j] = lane[2j] + lane[2j+1] * 2^LANE_BITS. Packing halves
// the Poseidon inputs per node, and two 96-bit lanes (192 bits) never approach the field size.

// The width of one lane. Balances and every sum in the tree are below 2^LANE_BITS().
// Mirrored by LANE_BITS in prover/tree/constants.ts and LANE_BITS in contracts (a test checks).
function LANE_BITS() {
    return 96;
}

// Number of words that hold `assets` lanes.
function wordCount(assets) {
    return (assets + 1) \ 2;
}

// Range check: constrains `in` < 2^BITS. Num2Bits constrains every bit to be boolean and their
// weighted sum to equal `in`; with BITS < 253 that sum cannot wrap the field, so a "negative"
// (field-wrapped) value such as p - 1 has no valid decomposition.
template RangeCheck(BITS) {
    signal input in;

    component bits = Num2Bits(BITS);
    bits.in <== in;
}

// Packs ASSETS lanes into wordCount(ASSETS) words. Linear: costs no constraint.
// NOTE: the packing is injective only if every lane is below 2^LANE_BITS(); the caller must
// range-check the lanes (or derive them from range-checked values without overflow).
template PackLanes(ASSETS) {
    signal input lanes[ASSETS];
    signal output words[wordCount(ASSETS)];

    for (var j = 0; j < wordCount(ASSETS); j++) {
        if (2 * j + 1 < ASSETS) {
            words[j] <== lanes[2 * j] + lanes[2 * j + 1] * (1 << LANE_BITS());
        } else {
            words[j] <== lanes[2 * j];
        }
    }
}

// Orders a pair by a path bit: isRight = 0 gives (left, right) = (current, sibling),
// isRight = 1 gives (sibling, current). One constraint per pair.
// NOTE: the caller must constrain isRight to be boolean.
template OrderPair() {
    signal input current;
    signal input sibling;
    signal input isRight;
    signal output left;
    signal output right;

    left <== current + isRight * (sibling - current);
    right <== current + sibling - left;
}
