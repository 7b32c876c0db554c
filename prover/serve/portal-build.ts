import { promises as fs } from "node:fs";
import path from "node:path";

import { LifeboatError } from "../errors";
import { writeDirectoryAtomic, exists } from "../fs-atomic";
import { cacheRoot, sha256Hex } from "../setup/cache";
import { PROJECT_ROOT } from "../setup/circuits";

/** The portal's sources: a static single-page app (docs/portal.md). */
export const PORTAL_SOURCE = path.join(PROJECT_ROOT, "portal");

/** The portal bundled into dist/portal by `npm pack` (prepack: `scripts/build.js --portal`), which the package ships. */
export const SHIPPED_PORTAL = path.resolve(__dirname, "..", "portal");

async function listFiles(directory: string): Promise<string[]> {
  const entries = await fs.readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => !file.split(path.sep).includes("dist"))
    .sort();
}

/** Digest of everything the build reads: the portal's sources, the prover code it imports, the lock file. */
async function sourceDigest(): Promise<string> {
  const files = [...(await listFiles(PORTAL_SOURCE)), ...(await listFiles(path.join(PROJECT_ROOT, "prover"))), path.join(PROJECT_ROOT, "package-lock.json")];
  const parts: string[] = [];
  for (const file of files) parts.push(`${path.relative(PROJECT_ROOT, file)}:${sha256Hex(await fs.readFile(file))}`);
  return sha256Hex(parts.join("\n")).slice(0, 16);
}

/** Bundles the portal into `out`: index.html, style.css, main.js (the page) and worker.js (the prover). */
export async function buildPortalInto(out: string): Promise<void> {
  const esbuild = await import("esbuild");
  await esbuild.build({
    entryPoints: { main: path.join(PORTAL_SOURCE, "src", "main.ts"), worker: path.join(PORTAL_SOURCE, "src", "prove-worker.ts") },
    outdir: out,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["es2022"],
    minify: true,
    sourcemap: false,
    legalComments: "none",
    logLevel: "silent",
    conditions: ["browser"],
    define: { "process.env.NODE_DEBUG": "false", global: "globalThis" },
  });
  for (const name of ["index.html", "style.css"]) await fs.copyFile(path.join(PORTAL_SOURCE, name), path.join(out, name));
}

/**
 * The built portal, made on first use: bundled into the cache under a digest of its sources, so a
 * changed source builds a new one and concurrent servers never see a half-written folder.
 */
export async function builtPortal(): Promise<string> {
  // An installed package has no sources: it ships the portal that `npm run build` bundled.
  if (!(await exists(path.join(PORTAL_SOURCE, "src")))) {
    if (await exists(path.join(SHIPPED_PORTAL, "index.html"))) return SHIPPED_PORTAL;
    throw new LifeboatError(
      `this Lifeboat has neither the portal's sources (${PORTAL_SOURCE}) nor its build (${SHIPPED_PORTAL}): pass --portal DIR with a folder npm run build:portal wrote`,
    );
  }
  const target = path.join(cacheRoot(), "portal", await sourceDigest());
  if (await exists(path.join(target, "index.html"))) return target;
  try {
    await writeDirectoryAtomic(target, buildPortalInto);
  } catch (error) {
    if (!(await exists(path.join(target, "index.html")))) throw error; // another process won the race otherwise
  }
  return target;
}
