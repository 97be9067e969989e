/**
 * `--format text`: findings grouped per file for people (ESLint's "stylish"
 * shape) — the file, then one aligned row per finding
 * (`line:col  severity  message  rule-id`), then one summary line
 * (`✖ N problems (E errors, W warnings, I info)`). Messages are wrapped to
 * `width` (the terminal's columns; none when the output is not a terminal).
 *
 * Written to a sink one file at a time, so that a streaming scan can print
 * each file's block as soon as its findings are known.
 */
import { Finding } from '../engine';
import type { ScanStats } from './format';

export interface TextOptions {
  color: boolean;
  /** Wrap rows to this many columns (undefined: no wrapping). */
  width?: number;
  stats?: ScanStats;
}

const COLORS: Record<string, string> = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m', hint: '\x1b[2m' };
const RESET = '\x1b[0m';
const BOLD = '\x1b[1m';
const DIM = '\x1b[2m';
const UNDERLINE = '\x1b[4m';
/** A message column narrower than this is not worth wrapping into: the row overflows instead. */
const MIN_MESSAGE_WIDTH = 24;
/** Unwrapped, the message column is at most this wide: a longer message pushes its rule id out of line rather than every row's. */
const MAX_UNWRAPPED_MESSAGE_WIDTH = 80;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Lines of at most `width` characters, broken at spaces (a longer word is cut). */
export function wrap(text: string, width: number | undefined): string[] {
  if (width === undefined || text.length <= width) return [text];
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    let w = word;
    if (line && line.length + 1 + w.length > width) {
      out.push(line);
      line = '';
    }
    while (w.length > width) {
      if (line) {
        out.push(line);
        line = '';
      }
      out.push(w.slice(0, width));
      w = w.slice(width);
    }
    line = line ? `${line} ${w}` : w;
  }
  if (line || !out.length) out.push(line);
  return out;
}

/** What the row says after the message: where a rendered finding came from, and a suppression. */
function messageOf(f: Finding): string {
  let m = f.message;
  if (f.kustomization) m += ` (rendered by ${f.kustomization})`;
  else if (f.helm)
    m += ` (release ${f.helm.release} of chart ${f.helm.chart}${f.related?.[0] ? `; ${f.related[0].message} ${f.related[0].uri}:${f.related[0].range.start.line + 1}` : ''})`;
  if (f.suppressed) m += ` [suppressed by ${f.suppressed.by}: ${f.suppressed.reason}]`;
  return m;
}

/** One file's block: its name, then its findings as aligned rows. */
export function writeFileBlock(uri: string, findings: Finding[], opts: TextOptions, write: (s: string) => void): void {
  const paint = (code: string, s: string) => (opts.color ? `${code}${s}${RESET}` : s);
  const rows = findings.map((f) => ({
    pos: `${f.range.start.line + 1}:${f.range.start.character + 1}`,
    sev: f.severity,
    msg: messageOf(f),
    rule: f.rule,
    suppressed: !!f.suppressed,
  }));
  // (Loops, not Math.max(...list): a file can have hundreds of thousands of findings.)
  let pw = 0;
  let sw = 0;
  let rw = 0;
  let mw = 0;
  for (const r of rows) {
    pw = Math.max(pw, r.pos.length);
    sw = Math.max(sw, r.sev.length);
    rw = Math.max(rw, r.rule.length);
    mw = Math.max(mw, r.msg.length);
  }
  // Row: 2 + pos + 2 + severity + 2 + message + 2 + rule.
  const fixed = 2 + pw + 2 + sw + 2 + 2 + rw;
  const wrapAt = opts.width !== undefined && fixed + mw > opts.width ? Math.max(MIN_MESSAGE_WIDTH, opts.width - fixed) : undefined;
  mw = Math.min(mw, wrapAt ?? MAX_UNWRAPPED_MESSAGE_WIDTH);
  let out = `${paint(UNDERLINE, uri)}\n`;
  for (const r of rows) {
    const lines = wrap(r.msg, wrapAt);
    const sev = paint(r.suppressed ? DIM : COLORS[r.sev], r.sev) + ' '.repeat(sw - r.sev.length);
    out += `  ${paint(DIM, r.pos.padEnd(pw))}  ${sev}  ${lines[0].padEnd(mw)}  ${paint(DIM, r.rule)}\n`;
    const indent = ' '.repeat(2 + pw + 2 + sw + 2);
    for (const l of lines.slice(1)) out += `${indent}${l}\n`;
  }
  write(out + '\n');
}

/** The summary line(s): counts of what is shown and not suppressed, what fails, what is hidden. */
export function summaryText(findings: Finding[], opts: TextOptions): string {
  const stats = opts.stats;
  const active = findings.filter((f) => !f.suppressed);
  const scanned = stats ? ` in ${plural(stats.files, 'file')}` : '';
  let summary: string;
  let code = BOLD;
  if (!active.length) summary = stats && !stats.objects ? `Nothing analysed: no Kubernetes objects${scanned}.` : `No findings${scanned}.`;
  else {
    const counts = { error: 0, warning: 0, info: 0, hint: 0 };
    for (const f of active) counts[f.severity]++;
    const parts = [plural(counts.error, 'error'), plural(counts.warning, 'warning'), `${counts.info} info`];
    if (counts.hint) parts.push(plural(counts.hint, 'hint'));
    const files = new Set(active.map((f) => f.uri)).size;
    summary = `✖ ${plural(active.length, 'problem')} (${parts.join(', ')}) in ${plural(files, 'file')}${stats ? ` of ${stats.files} scanned` : ''}.`;
    if (stats && stats.failOn !== 'hint' && stats.failing < active.length)
      summary += stats.failOn === 'none' ? ' None fail the scan (--fail-on none).' : ` ${stats.failing} at or above ${stats.failOn} (--fail-on ${stats.failOn}).`;
    code = counts.error ? BOLD + COLORS.error : counts.warning ? BOLD + COLORS.warning : BOLD;
  }
  if (stats?.suppressed) summary += ` ${plural(stats.suppressed, 'suppressed finding')}${findings.some((f) => f.suppressed) ? '' : ' not shown (--include-suppressed)'}.`;
  return wrap(summary, opts.width)
    .map((l) => (opts.color ? `${code}${l}${RESET}` : l))
    .join('\n');
}

/** The whole report: one block per file (in the order files first appear), then the summary. */
export function writeText(findings: Finding[], opts: TextOptions, write: (s: string) => void): void {
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = byFile.get(f.uri);
    if (list) list.push(f);
    else byFile.set(f.uri, [f]);
  }
  for (const [uri, list] of byFile) writeFileBlock(uri, list, opts, write);
  write(summaryText(findings, opts) + '\n');
}

export function formatStylish(findings: Finding[], opts: TextOptions): string {
  let out = '';
  writeText(findings, opts, (s) => (out += s));
  return out;
}
