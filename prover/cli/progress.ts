/**
 * A progress bar on stderr: redrawn in place on a terminal, a line per tenth otherwise (CI logs).
 * Small jobs stay silent: `threshold` is the smallest total worth reporting.
 */
export function progressBar(label: string, threshold = 20_000): (done: number, total: number) => void {
  const tty = process.stderr.isTTY === true;
  let lastTenth = -1;
  return (done, total) => {
    if (total < threshold) return;
    const fraction = Math.min(1, done / total);
    if (tty) {
      const width = 30;
      const filled = Math.round(fraction * width);
      process.stderr.write(`\r${label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%`);
      if (done >= total) process.stderr.write("\n");
    } else {
      const tenth = Math.floor(fraction * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        process.stderr.write(`${label}: ${tenth * 10}%\n`);
      }
    }
  };
}

export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** A log for chatty progress lines: at most one line per interval (the latest one wins). */
export function throttledLog(intervalMs: number): (line: string) => void {
  let last = 0;
  return (line) => {
    const now = Date.now();
    if (now - last < intervalMs) return;
    last = now;
    log(line);
  };
}
