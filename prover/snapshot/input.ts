import { getAddress } from "ethers";

import { InputError, quote } from "../errors";
import { parseJsonText } from "../json";
import { LANE_LIMIT, MAX_ASSETS, MIN_ASSETS } from "../tree/constants";

/** One account's pre-incident balances, validated: checksummed address, integer base units. */
export interface BalanceRow {
  readonly account: string;
  readonly balances: readonly bigint[];
}

/**
 * A validated balances table: asset names and one row per account, balances in base units in the
 * order of `assets`.
 */
export interface BalanceSheet {
  readonly assets: readonly string[];
  readonly rows: readonly BalanceRow[];
  /** Where row `index` was read ("line 3", "accounts[1]"), for refusals; absent: "input row N". */
  readonly locate?: (index: number) => string;
}

/** The address no one can sign for and ERC-20 tokens refuse to pay: never an account. */
export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

/** Where row `index` of a sheet came from, in the words of its file. */
export function rowLocation(sheet: BalanceSheet, index: number): string {
  return sheet.locate?.(index) ?? `input row ${index + 1}`;
}

const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

/**
 * Parses a balances file: CSV with header `account,<ASSET>,...` or the equivalent JSON
 * `{"assets": ["USDC", ...], "accounts": [{"account": "0x..", "balances": ["100", ...]}, ...]}`.
 * Every refusal names the row (CSV line or JSON index), the field and the value.
 */
export function parseBalances(text: string, format: "csv" | "json", progress?: (done: number, total: number) => void): BalanceSheet {
  const sheet = format === "csv" ? parseCsv(text, progress) : parseJson(text);
  checkDuplicates(sheet);
  return sheet;
}

/**
 * The lines of a text input (balances CSV, adjustments CSV, address lists): an optional UTF-8 byte
 * order mark is skipped, lines end at LF or CRLF (a lone CR is not a line end), and trailing lines
 * that are empty or hold only spaces and tabs are dropped. Exactly the grammar of docs/protocol.md.
 */
export function textLines(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  while (lines.length > 0 && isBlank(lines[lines.length - 1] as string)) lines.pop();
  return lines;
}

/** Optional white space around a cell is spaces and tabs only: any other character is content. */
export function trimCell(cell: string): string {
  return cell.replace(/^[ \t]+|[ \t]+$/g, "");
}

export function isBlank(line: string): boolean {
  return /^[ \t]*$/.test(line);
}

/** Infers the format from a file name: `.json` is JSON, anything else CSV. */
export function balancesFormat(fileName: string): "csv" | "json" {
  return fileName.toLowerCase().endsWith(".json") ? "json" : "csv";
}

function parseCsv(text: string, progress?: (done: number, total: number) => void): BalanceSheet {
  const lines = textLines(text);
  if (lines.length === 0) throw new InputError("balances file is empty: expected a header line `account,<ASSET>,...`");
  const header = (lines[0] as string).split(",").map(trimCell);
  if (header[0]?.toLowerCase() !== "account") {
    throw new InputError(`line 1: the first column must be "account", got ${quote(header[0] ?? "")}${csvHint(lines[0] as string)}`);
  }
  const assets = withHint(() => checkAssets(header.slice(1), "line 1"), lines[0] as string);
  if (lines.length === 1) throw new InputError("balances file has a header but no accounts");
  const rows: BalanceRow[] = [];
  for (let i = 1; i < lines.length; i += 1) {
    if (progress !== undefined && i % 10_000 === 0) progress(i, lines.length - 1);
    const where = `line ${i + 1}`;
    const line = lines[i] as string;
    if (isBlank(line)) throw new InputError(`${where}: empty line inside the balances file`);
    const cells = line.split(",").map(trimCell);
    if (cells.length !== header.length) {
      throw new InputError(
        `${where}: expected ${header.length} columns (account + ${assets.length} assets), got ${cells.length}: ${quote(line)}${csvHint(line)}`,
      );
    }
    rows.push(
      withHint(
        () => ({
          account: parseAccount(cells[0] as string, where),
          balances: assets.map((asset, k) => parseBalance(cells[k + 1] as string, `${where}, ${asset}`)),
        }),
        line,
      ),
    );
  }
  progress?.(lines.length - 1, lines.length - 1);
  return { assets, rows, locate: (index) => `line ${index + 2}` };
}

/**
 * How to fix a CSV line that spreadsheets commonly produce: quoted cells, thousands separators,
 * semicolon- or tab-separated columns. Empty when the line shows none of them.
 */
export function csvHint(line: string): string {
  if (line.includes('"')) return ' (hint: quoted cells are not read: save the file without quotes, e.g. 1500000 rather than "1,500,000")';
  if (!line.includes(",") && line.includes(";")) return " (hint: the columns are separated by semicolons: save the file as comma-separated CSV)";
  if (!line.includes(",") && line.includes("\t")) return " (hint: the columns are separated by tabs: save the file as comma-separated CSV)";
  if (/[0-9],[0-9]{3}(,|$)/.test(line.replace(/^[^,]*,/, "")) && /,[0-9]{1,3},[0-9]{3}\b/.test(line)) {
    return " (hint: a balance seems to use a thousands separator: write balances as plain integers in base units, e.g. 1500000)";
  }
  return "";
}

/** Runs a row's parse, adding `csvHint` of its line to an input error. */
function withHint<T>(parse: () => T, line: string): T {
  try {
    return parse();
  } catch (error) {
    const hint = csvHint(line);
    if (error instanceof InputError && hint !== "") throw new InputError(`${error.message}${hint}`, error.details);
    throw error;
  }
}

function parseJson(text: string): BalanceSheet {
  if (text.trim() === "") throw new InputError("balances file is empty");
  const document = parseJsonText(text, "balances file");
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new InputError('balances JSON must be an object {"assets": [...], "accounts": [...]}');
  }
  const { assets: rawAssets, accounts } = document as { assets?: unknown; accounts?: unknown };
  if (!Array.isArray(rawAssets) || !rawAssets.every((asset) => typeof asset === "string")) {
    throw new InputError(`"assets" must be an array of asset names, got ${quote(rawAssets)}`);
  }
  const assets = checkAssets(rawAssets as string[], '"assets"');
  if (!Array.isArray(accounts)) throw new InputError(`"accounts" must be an array, got ${quote(accounts)}`);
  if (accounts.length === 0) throw new InputError('"accounts" is empty: nothing to snapshot');
  const rows = accounts.map((entry: unknown, i): BalanceRow => {
    const where = `accounts[${i}]`;
    if (typeof entry !== "object" || entry === null) throw new InputError(`${where} must be an object, got ${quote(entry)}`);
    const { account, balances } = entry as { account?: unknown; balances?: unknown };
    if (typeof account !== "string") throw new InputError(`${where}.account must be a string, got ${quote(account)}`);
    if (!Array.isArray(balances) || balances.length !== assets.length) {
      throw new InputError(`${where}.balances must be an array of ${assets.length} decimal strings, got ${quote(balances)}`);
    }
    return {
      account: parseAccount(account, where),
      balances: balances.map((value: unknown, k) => {
        const field = `${where}.balances[${k}] (${assets[k]})`;
        if (typeof value !== "string") {
          throw new InputError(`${field} must be a decimal string (numbers lose precision), got ${quote(value)}`);
        }
        return parseBalance(value, field);
      }),
    };
  });
  return { assets, rows, locate: (index) => `accounts[${index}]` };
}

function checkAssets(names: string[], where: string): string[] {
  if (names.length < MIN_ASSETS || names.length > MAX_ASSETS) {
    throw new InputError(`${where}: expected ${MIN_ASSETS} to ${MAX_ASSETS} asset columns, got ${names.length}`);
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (!ASSET_NAME.test(name)) {
      throw new InputError(`${where}: asset name ${quote(name)} must be 1-32 letters, digits, "_", "." or "-"`);
    }
    if (seen.has(name.toLowerCase())) throw new InputError(`${where}: asset ${quote(name)} appears twice`);
    seen.add(name.toLowerCase());
  }
  return names;
}

/**
 * Accepts an all-lower or all-upper case address, or a mixed-case one with a valid EIP-55
 * checksum; refuses the zero address, which can never be an account (no one can sign for it and
 * ERC-20 tokens refuse to pay it, so its share could never be claimed).
 */
export function parseAccount(value: string, where: string): string {
  const account = parseAddress(value, where);
  if (account === ZERO_ADDRESS) {
    throw new InputError(`${where}: account ${value} is the zero address, which can never be paid (no one can sign for it, and tokens refuse transfers to it)`);
  }
  return account;
}

/** Any 20-byte address (the zero address included), checksummed. */
export function parseAddress(value: string, where: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) {
    throw new InputError(`${where}: account ${quote(value)} is not a 20-byte hex address (0x + 40 hex digits)`);
  }
  // The shape is right, so getAddress can only refuse a mixed-case checksum; one keccak per row, not two.
  try {
    return getAddress(value);
  } catch {
    throw new InputError(`${where}: account ${quote(value)} has an invalid EIP-55 checksum (mixed case that does not match)`);
  }
}

/** A balance is a plain decimal integer in base units, below 2^96. */
export function parseBalance(value: string, where: string): bigint {
  if (value === "") throw new InputError(`${where}: balance is empty`);
  if (value.startsWith("-")) throw new InputError(`${where}: balance ${quote(value)} is negative`);
  if (/^0x/i.test(value)) throw new InputError(`${where}: balance ${quote(value)} is hexadecimal; write base units in decimal`);
  if (/^[0-9]*\.[0-9]*$/.test(value)) {
    throw new InputError(`${where}: balance ${quote(value)} is fractional; write integer base units (e.g. wei)`);
  }
  if (/^[0-9.]+e[+-]?[0-9]+$/i.test(value)) {
    throw new InputError(`${where}: balance ${quote(value)} uses exponent notation; write every digit`);
  }
  if (!/^[0-9]+$/.test(value)) throw new InputError(`${where}: balance ${quote(value)} is not a decimal integer`);
  const amount = BigInt(value);
  if (amount >= LANE_LIMIT) {
    throw new InputError(`${where}: balance ${value} is not below 2^96 (${LANE_LIMIT}), the largest the claim circuit accepts`);
  }
  return amount;
}

function checkDuplicates(sheet: BalanceSheet): void {
  const seen = new Map<string, number>();
  sheet.rows.forEach((row, i) => {
    const key = row.account.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      throw new InputError(
        `account ${row.account} appears twice (${rowLocation(sheet, first)} and ${rowLocation(sheet, i)}; addresses compare case-insensitively)`,
      );
    }
    seen.set(key, i);
  });
}

/**
 * Parses an exclusion list: one address per line (blank lines and `#` comments ignored), or a
 * JSON array of addresses. Returns checksummed addresses; the zero address is refused (it is never
 * an account, so excluding it means nothing).
 */
export function parseExclusions(text: string, format: "csv" | "json"): string[] {
  return parseAddressList(text, format, "exclusion", parseAccount);
}

/**
 * Parses an unpayable list (`lifeboat snapshot --unpayable FILE`): addresses that must never be a
 * leaf, such as the vault itself, in the exclusion list's format. The zero address is always
 * unpayable and may be listed too.
 */
export function parseUnpayable(text: string, format: "csv" | "json"): string[] {
  return parseAddressList(text, format, "unpayable", parseAddress);
}

function parseAddressList(text: string, format: "csv" | "json", kind: string, parse: (value: string, where: string) => string): string[] {
  let entries: { value: string; where: string }[];
  if (format === "json") {
    const document = parseJsonText(text, `${kind} file`);
    if (!Array.isArray(document)) throw new InputError(`${kind} JSON must be an array of addresses`);
    entries = document.map((value: unknown, i) => {
      if (typeof value !== "string") throw new InputError(`${kind}s[${i}] must be an address string, got ${quote(value)}`);
      return { value, where: `${kind}s[${i}]` };
    });
  } else {
    entries = textLines(text)
      .map((line, i) => ({ value: trimCell(line.split("#")[0] as string), where: `${kind} line ${i + 1}` }))
      .filter((entry) => entry.value !== "");
  }
  const seen = new Map<string, string>();
  return entries.map((entry) => {
    const account = parse(entry.value, entry.where);
    const first = seen.get(account);
    if (first !== undefined) throw new InputError(`${entry.where}: ${account} is already listed (${first})`);
    seen.set(account, entry.where);
    return account;
  });
}
