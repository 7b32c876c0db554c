// Minimal typings for the part of ffjavascript 0.3 (snarkjs's curve library) that Lifeboat uses;
// the package ships none.
declare module "ffjavascript" {
  /**
   * ffjavascript's bn128 curve with its WebAssembly threads. `plugins` receives wasmbuilder's
   * ModuleBuilder before the module is built. Not single-threaded, the curve is cached in
   * `globalThis.curve_bn128` and returned from there whatever the plugins.
   */
  export function buildBn128(singleThread?: boolean, plugins?: (module: never) => void): Promise<unknown>;
}
