import { createHash } from "node:crypto";

import { InputError, quote } from "../errors";
import { parseJsonText } from "../json";
import { adjustmentInputSchema } from "../schema/adjustments";
import { parseWith } from "../schema/parse";
import { LANE_LIMIT } from "../tree/constants";
import { isBlank, parseAccount, rowLocation, textLines, trimCell, type BalanceRow, type BalanceSheet } from "./input";

/**
 * A manual correction to the input, with its reason: a user whose funds sat in a contract that
 * cannot claim, a net debtor settled by hand, a deposit the indexer cannot see. Adjustments are
 * applied after the input is read and before exclusions, and every one is published in the
 * manifest, so no correction is silent.
 */
export interface Adjustment {
  readonly account: string;
  readonly asset: string;
  /** Signed, in base units; never zero. */
  readonly delta: bigint;
  readonly reason: string;
}

/**
 * Parses an adjustments file: CSV with header `account,asset,delta,reason` (the reason is the rest
 * of the line and may hold commas) or a JSON array of {account, asset, delta, reason} with delta a
 * decimal string, optionally signed. Every refusal names the entry, the field and the value.
 */
export function parseAdjustments(text: string, format: "csv" | "json", assets: readonly string[]): Adjustment[] {
  const entries: { entry: unknown; where: string }[] = [];
  if (format === "json") {
    const document = parseJsonText(text, "adjustments file");
    if (!Array.isArray(document)) throw new InputError("adjustments JSON must be an array of {account, asset, delta, reason}");
    document.forEach((entry: unknown, i) => entries.push({ entry, where: `adjustments[${i}]` }));
  } else {
    const lines = textLines(text);
    if ((lines[0] ?? "").split(",").map(trimCell).join(",") !== "account,asset,delta,reason") {
      throw new InputError(`adjustments line 1 must be the header "account,asset,delta,reason", got ${quote(lines[0] ?? "")}`);
    }
    lines.slice(1).forEach((line, i) => {
      const where = `adjustments line ${i + 2}`;
      if (isBlank(line)) throw new InputError(`${where}: empty line inside the adjustments file`);
      const cells = line.split(",");
      if (cells.length < 4) throw new InputError(`${where}: expected account,asset,delta,reason, got ${quote(line)}`);
      const entry = {
        account: trimCell(cells[0] as string),
        asset: trimCell(cells[1] as string),
        delta: trimCell(cells[2] as string),
        reason: cells.slice(3).join(","),
      };
      entries.push({ entry, where });
    });
  }
  const schema = adjustmentInputSchema(assets);
  return entries.map(({ entry, where }) => {
    const { account, asset, delta, reason } = parseWith(schema, entry, where);
    return { account: parseAccount(account, where), asset, delta, reason };
  });
}

/**
 * Applies adjustments in order. An account absent from the input is added after the input's rows
 * (with zeros elsewhere); a balance may not go below zero or reach 2^96 at any step. Rows left all
 * zero are kept here: whether an account is a leaf is decided once, by leafRows in build.ts.
 */
export function applyAdjustments(sheet: BalanceSheet, adjustments: readonly Adjustment[]): BalanceSheet {
  if (adjustments.length === 0) return sheet;
  const rows = new Map<string, { account: string; balances: bigint[] }>();
  for (const row of sheet.rows) rows.set(row.account.toLowerCase(), { account: row.account, balances: [...row.balances] });
  adjustments.forEach((adjustment, i) => {
    const key = adjustment.account.toLowerCase();
    const row = rows.get(key) ?? { account: adjustment.account, balances: sheet.assets.map(() => 0n) };
    const k = sheet.assets.indexOf(adjustment.asset);
    const balance = (row.balances[k] as bigint) + adjustment.delta;
    if (balance < 0n)
      throw new InputError(
        `adjustment ${i + 1} (${adjustment.account} ${adjustment.asset} ${signed(adjustment.delta)}) takes the balance below zero, to ${balance}`,
      );
    if (balance >= LANE_LIMIT)
      throw new InputError(
        `adjustment ${i + 1} (${adjustment.account} ${adjustment.asset} ${signed(adjustment.delta)}) takes the balance to ${balance}, not below 2^96`,
      );
    row.balances[k] = balance;
    rows.set(key, row);
  });
  const adjusted: BalanceRow[] = [...rows.values()];
  return {
    assets: sheet.assets,
    rows: adjusted,
    locate: (index) => (index < sheet.rows.length ? rowLocation(sheet, index) : "an account added by an adjustment"),
  };
}

export function signed(delta: bigint): string {
  return delta > 0n ? `+${delta}` : delta.toString();
}

/** sha256 over the adjustments in order, one `account,asset,delta,reason` line each (account lower-case, delta signed). */
export function adjustmentsDigest(adjustments: readonly Adjustment[]): string {
  const canonical = adjustments.map((a) => `${a.account.toLowerCase()},${a.asset},${signed(a.delta)},${a.reason}\n`).join("");
  return `sha256:${createHash("sha256").update(canonical).digest("hex")}`;
}
