export * from "./files";
export * from "./load";
export * from "./publish";
export * from "./read";
export * from "./verifier";
