/** Runs a command with stdout captured (the commands print a JSON summary). */
export async function quietly(run: () => Promise<void>): Promise<string> {
  const write = process.stdout.write.bind(process.stdout);
  let out = "";
  process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
  const error = process.stderr.write.bind(process.stderr);
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    await run();
  } finally {
    process.stdout.write = write;
    process.stderr.write = error;
  }
  return out;
}
