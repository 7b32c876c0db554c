import { keccak256, toUtf8Bytes } from "ethers";

/**
 * Safe's checksum, re-implemented here independently of the module under test from the
 * Transaction Builder's sources (safe-global/safe-react-apps, apps/tx-builder/src/lib/checksum.ts):
 * `validateChecksum` deletes `meta.checksum`, then hashes the serialisation with `meta.name: null`.
 */
function safeSerialize(json: unknown): string {
  const replacer = (_: string, value: unknown) => (value === undefined ? null : value);
  if (Array.isArray(json)) return "[" + json.map(safeSerialize).join(",") + "]";
  if (json !== null && typeof json === "object") {
    const keys = Object.keys(json).sort();
    return "{" + JSON.stringify(keys, replacer) + keys.map((key) => safeSerialize((json as Record<string, unknown>)[key]) + ",").join("") + "}";
  }
  return String(JSON.stringify(json, replacer));
}
export function safeCalculateChecksum(batchFile: { meta: Record<string, unknown> }): string {
  return keccak256(toUtf8Bytes(safeSerialize({ ...batchFile, meta: { ...batchFile.meta, name: null } })));
}
export function safeValidateChecksum(batchFile: { meta: Record<string, unknown> }): boolean {
  const target = { ...batchFile, meta: { ...batchFile.meta } };
  const checksum = target.meta.checksum;
  delete target.meta.checksum;
  return safeCalculateChecksum(target) === checksum;
}
