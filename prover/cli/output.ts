/** Prints a command's result: one JSON document with --json (bigints as decimal strings), else lines for people. */
export function output(json: boolean, data: unknown, human: () => readonly string[]): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(data, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value), 2)}\n`);
  } else {
    for (const line of human()) process.stdout.write(`${line}\n`);
  }
}
