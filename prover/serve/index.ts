/**
 * `lifeboat/serve`: the claim portal's package server (what `lifeboat serve` runs). It serves the
 * built portal, the public manifest and the proving artifacts, and hands each account that signs
 * in with Ethereum (EIP-4361; EIP-1271 for contract accounts) its own claim package and nothing
 * else. docs/portal.md says what is public, what is private and how sign-in is checked.
 *
 * @packageDocumentation
 */
export { loadServeConfig, type ServeConfig, type ServeOptions, type PublishedFile } from "./config";
export { startServer, buildServer, artifactUrl, ROUTES, type Server, type AccessLog } from "./server";
export { builtPortal, buildPortalInto } from "./portal-build";
export { ECDSA_IMPLEMENTATION } from "./ecdsa";
