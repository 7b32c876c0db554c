export * from "./checked";
export * from "./files";
export * from "./load";
export * from "./publish";
export * from "./read";
export * from "./url";
export * from "./verifier";
