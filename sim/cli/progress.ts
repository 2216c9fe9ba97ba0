/**
 * A one-line progress bar on stderr (simulated time, events/s, ETA), only when stderr is a terminal, so
 * stdout stays machine-readable and logs stay clean. The CLI is the one place allowed to read the wall clock.
 */
export function progressBar(label: string): { update(simUs: number, endUs: number, events: number): void; done(): void } {
  const tty = process.stderr.isTTY === true;
  const t0 = performance.now();
  let last = 0;
  return {
    update(simUs, endUs, events) {
      if (!tty) return;
      const now = performance.now();
      if (now - last < 200) return;
      last = now;
      const frac = endUs > 0 ? Math.min(1, simUs / endUs) : 1;
      const elapsed = (now - t0) / 1000;
      const eta = frac > 0 ? (elapsed * (1 - frac)) / frac : 0;
      const width = 24;
      const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
      const rate = events / Math.max(elapsed, 1e-9);
      process.stderr.write(
        `\r${label} [${bar}] ${(simUs / 1e6).toFixed(1)}/${(endUs / 1e6).toFixed(0)} s sim  ` +
          `${(rate / 1e6).toFixed(2)} M ev/s  ETA ${eta.toFixed(0)} s   `,
      );
    },
    done() {
      if (tty) process.stderr.write('\r\x1b[2K');
    },
  };
}

export function wallSecondsSince(t0: number): number {
  return (performance.now() - t0) / 1000;
}

export function wallNow(): number {
  return performance.now();
}
