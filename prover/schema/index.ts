/**
 * One schema per file that crosses a trust boundary (zod 4), and parseWith, which turns the first
 * problem into an InputError naming the document, the field path and the value. Types are
 * inferred from the schemas. Nothing here imports Node: the schemas run in browsers too.
 */
export * from "./adjustments";
export * from "./artifacts";
export * from "./chain-source";
export * from "./deployment";
export * from "./parse";
export * from "./primitives";
export * from "./proof-file";
export * from "./snapshot";
export * from "./watch-state";
