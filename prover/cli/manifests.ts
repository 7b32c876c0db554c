import path from "node:path";

import { isUrl, locationExists, readLocation } from "../artifacts";
import { parseJsonText } from "../json";
import { parseManifest, type Manifest } from "../snapshot";

export interface LocatedManifest {
  readonly manifest: Manifest;
  /** The path or URL it was read from. */
  readonly location: string;
}

/** Reads and validates a manifest from a path or an http(s) URL. */
export async function readManifest(location: string, what = "manifest"): Promise<LocatedManifest> {
  const bytes = await readLocation(location, what);
  const where = `${what} ${location}`;
  return { manifest: parseManifest(parseJsonText(new TextDecoder().decode(bytes), where), where), location };
}

/**
 * The manifests a command should check against: the one given explicitly (which must exist) and
 * those found beside the files the user passed (a published snapshot keeps manifest.json next to
 * artifacts/ and claims/). Each location is read once.
 */
export async function findManifests(options: { explicit?: string | undefined; beside: readonly string[] }): Promise<LocatedManifest[]> {
  const found: LocatedManifest[] = [];
  const seen = new Set<string>();
  const key = (location: string): string => (isUrl(location) ? location : path.resolve(location));
  if (options.explicit !== undefined) {
    found.push(await readManifest(options.explicit, "--manifest"));
    seen.add(key(options.explicit));
  }
  for (const location of options.beside) {
    if (seen.has(key(location))) continue;
    seen.add(key(location));
    if (await locationExists(location)) found.push(await readManifest(location));
  }
  return found;
}
