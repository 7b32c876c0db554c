export * from "./constants";
export * from "./lanes";
export * from "./bytes";
export * from "./encoding";
export * from "./sum-tree";
