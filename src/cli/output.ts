import type { Row } from '../store/store.js';

/** How a command prints: a human view on a TTY, machine output on stdout when asked, logs on stderr. */
export interface Output {
  json: boolean;
  /** Machine or human output: stdout. */
  out(text: string): void;
  /** Logs and progress: stderr, never mixed with machine output. */
  log(text: string): void;
  /** Is stderr a terminal (progress bars)? */
  tty: boolean;
}

export function processOutput(json: boolean, quiet = false): Output {
  return {
    json,
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
    log: (t) => {
      if (!quiet) process.stderr.write(t.endsWith('\n') ? t : t + '\n');
    },
    tty: !!process.stderr.isTTY && !quiet,
  };
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A plain text table; long cells are cut so a row fits a line. */
export function renderTable(columns: string[], rows: Row[], maxWidth = 60): string {
  if (rows.length === 0) return '(no rows)';
  const cells = rows.map((r) => columns.map((c) => clip(cell(r[c]).replace(/\s+/g, ' '), maxWidth)));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

/** RFC 4180 CSV. */
export function renderCsv(columns: string[], rows: Row[]): string {
  const esc = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  return [columns.map(esc).join(','), ...rows.map((r) => columns.map((c) => esc(cell(r[c]))).join(','))].join('\n');
}

/** Key/value block for a single object in the human view. */
export function renderPairs(pairs: [string, unknown][]): string {
  const w = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(w)}  ${cell(v)}`).join('\n');
}
