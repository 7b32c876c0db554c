declare module "lifeboat:poseidon-constants" {
  /** Round constants per arity (index arity - 1), hex strings. */
  export const C: string[][];
  /** MDS matrices per arity (index arity - 1), hex strings. */
  export const M: string[][][];
}
