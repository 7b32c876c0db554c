import * as z from "zod";

import { quote } from "../errors";
import { MAX_ASSETS, MIN_ASSETS } from "../tree/constants";
import { sourceSpecSchema } from "./snapshot";
import { formatTag, got, issueAt, list, positiveDecimal, record, text } from "./primitives";

/** The `format` of a chain-source configuration. */
export const CHAIN_SOURCE_FORMAT = "lifeboat.chain-source.v1";

const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

/** What the configuration needs to know of a position reader: its kind and its balance columns. */
export interface ReaderShape {
  readonly kind: string;
  readonly columns: number;
}

/**
 * Which on-chain positions make up a snapshot: the chain, the snapshot's asset names, and the
 * sources whose balance columns add up to them, each read by one of `readers`. The block is not
 * part of it: the same configuration snapshots any block (`--block`).
 */
export function chainSourceSchema(readers: Readonly<Record<string, ReaderShape>>) {
  const assetName = text().superRefine((name, ctx) => {
    if (!ASSET_NAME.test(name)) ctx.addIssue({ code: "custom", message: `must be 1-32 letters, digits, "_", "." or "-"${got(name)}`, input: name });
  });
  return record({
    format: formatTag(CHAIN_SOURCE_FORMAT),
    chainId: positiveDecimal(),
    assets: list(assetName, `an array of ${MIN_ASSETS} to ${MAX_ASSETS} asset names`).superRefine((assets, ctx) => {
      if (assets.length < MIN_ASSETS || assets.length > MAX_ASSETS)
        ctx.addIssue({ code: "custom", message: `must list ${MIN_ASSETS} to ${MAX_ASSETS} asset names${got(assets)}`, input: assets });
    }),
    sources: list(sourceSpecSchema, "a non-empty array").refine((sources) => sources.length > 0, { error: "must be a non-empty array, got []" }),
  }).superRefine((config, ctx) => {
    config.assets.forEach((name, i) => {
      // Unique case-insensitively, as in a balances file (docs/protocol.md §7.1): the canonical file must parse.
      if (config.assets.findIndex((other) => other.toLowerCase() === name.toLowerCase()) !== i) {
        issueAt(ctx, ["assets", i], `: ${quote(name)} appears twice (asset names compare case-insensitively)`, name);
      }
    });
    const seen = new Set<string>();
    config.sources.forEach((spec, i) => {
      const reader = readers[spec.reader];
      if (reader === undefined)
        return issueAt(ctx, ["sources", i, "reader"], `must be one of ${Object.keys(readers).join(", ")} (the readers given)${got(spec.reader)}`, spec.reader);
      if (spec.assets.length !== reader.columns) {
        return issueAt(
          ctx,
          ["sources", i, "assets"],
          `must name ${reader.columns} snapshot asset(s), one per ${reader.kind} balance column${got(spec.assets)}`,
          spec.assets,
        );
      }
      spec.assets.forEach((name, j) => {
        if (!config.assets.includes(name))
          issueAt(ctx, ["sources", i, "assets", j], `must be one of the snapshot's assets (${config.assets.join(", ")})${got(name)}`, name);
      });
      const key = `${spec.reader}:${spec.address}`;
      if (seen.has(key)) issueAt(ctx, ["sources", i], `: ${spec.reader} ${spec.address} is listed twice (its balances would count twice)`, spec);
      seen.add(key);
    });
  });
}

/** A chain-source configuration, as `chainSourceSchema` validates it. */
export type ChainSourceConfig = z.infer<ReturnType<typeof chainSourceSchema>>;
