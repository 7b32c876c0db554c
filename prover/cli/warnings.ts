/**
 * snarkjs (through fastfile) lets a FileHandle be closed by the garbage collector when it verifies a
 * zkey against a ptau file too large to read into memory (prover/setup/ptau-source.ts), which Node
 * reports with two warnings per handle: "Closing file descriptor N on garbage collection" and
 * DEP0137. The command line is a process of its own and drops exactly those two; every other warning
 * is printed.
 */
export function silenceFileHandleDeprecation(): void {
  const emit = process.emitWarning.bind(process);
  process.emitWarning = ((warning: string | Error, ...args: unknown[]) => {
    const code = typeof args[0] === "object" && args[0] !== null ? (args[0] as { code?: string }).code : args[1];
    if (code === "DEP0137" || (warning instanceof Error && (warning as { code?: string }).code === "DEP0137")) return;
    if (/^Closing file descriptor \d+ on garbage collection$/.test(warning instanceof Error ? warning.message : String(warning))) return;
    (emit as (...a: unknown[]) => void)(warning, ...args);
  }) as typeof process.emitWarning;
}
