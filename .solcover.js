// solidity-coverage (`npx hardhat coverage`). `checked` (DemoLendingPool) runs the solvency
// invariants around a function and never refuses anything: it is not a gate, so it has no branch.
module.exports = {
  modifierWhitelist: ["checked"],
};
