export * from "./field";
export * from "./poseidon";
export * from "./parallel";
export * from "./poseidon-js";
