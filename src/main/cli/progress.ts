import type { CliIo } from './io';

/** A progress bar on stderr: redrawn in place on a terminal, one closing line otherwise (logs stay short). */
export interface Progress {
  update(done: number, total?: number, phase?: string): void;
  done(summary?: string): void;
}

/** Start a progress bar for `label`. */
export function createProgress(io: CliIo, label: string, total = 0): Progress {
  const tty = Boolean(io.stderr.isTTY);
  let last = 0;
  let cur = 0;
  let tot = total;
  let ph = '';
  const draw = () => {
    const width = Math.max(10, Math.min(40, (io.stderr.columns ?? 80) - 40));
    const frac = tot > 0 ? Math.min(1, cur / tot) : 0;
    const fill = Math.round(frac * width);
    const bar = '#'.repeat(fill) + '-'.repeat(width - fill);
    io.stderr.write(`\r${label}${ph ? ` (${ph})` : ''} [${bar}] ${cur}/${tot}\x1b[K`);
  };
  return {
    update(done, total2, phase) {
      cur = done;
      if (total2 !== undefined) tot = total2;
      if (phase !== undefined) ph = phase;
      const now = Date.now();
      if (tty && (now - last > 80 || cur === tot)) {
        last = now;
        draw();
      }
    },
    done(summary) {
      if (tty) io.stderr.write('\r\x1b[K');
      io.stderr.write(`${label}: ${summary ?? `${cur}/${tot}`}\n`);
    },
  };
}
