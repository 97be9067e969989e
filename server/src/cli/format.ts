/** `--format text` and `--format json`. */
import { Finding } from '../engine';

export interface ScanStats {
  /** Files analysed (not skipped). */
  files: number;
  /** Kubernetes objects analysed (0: nothing was analysed, never a pass). */
  objects: number;
  /** Findings suppressed by an ignore annotation or the configuration. */
  suppressed: number;
  /** Findings at or above --fail-on. */
  failing: number;
  failOn: string;
}

/**
 * The `--format json` contract (documented in docs/cli.md; automated checks
 * rely on it): `{"version":1,"findings":[{rule, severity, message, file,
 * range, resource?, pss?, suppressed?, kustomization?, helm?}]}`. `suppressed` only
 * appears with --include-suppressed; `kustomization` (the overlay's
 * kustomization file) only on findings of Kustomize-rendered objects, whose
 * `resource` is the rendered object and `file`/`range` the source that
 * wrote the field; `helm` (`{chart, release}`: the chart folder and the
 * release name) likewise on findings of Helm-rendered objects.
 */
export function formatJson(findings: Finding[]): string {
  const parts: string[] = [];
  writeJson(findings, (s) => parts.push(s));
  return parts.join('');
}

/** Characters `JSON.stringify` escapes in a string (surrogates: only lone ones, but any sends a string the slow way). */
// eslint-disable-next-line no-control-regex
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `JSON.stringify(s)` for a string: quoted as it is when nothing in it needs an escape (most messages). */
export function jsonString(s: string): string {
  return JSON_ESCAPED.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/**
 * `formatJson` written finding by finding through `write` (the same bytes as
 * one `JSON.stringify` of the whole report): the report is never one string.
 * Each finding is written from a template, in `JSON.stringify`'s member
 * order; a resource's reference (shared by its findings) is serialised once.
 */
export function writeJson(findings: Finding[], write: (s: string) => void): void {
  write('{"version":1,"findings":[');
  let first = true;
  let lastUri: string | undefined;
  let file = '';
  let lastResource: Finding['resource'];
  let ref = '';
  for (const f of findings) {
    if (f.uri !== lastUri) file = JSON.stringify((lastUri = f.uri));
    const { start, end } = f.range;
    let out = `${first ? '' : ','}{"rule":${JSON.stringify(f.rule)},"severity":${JSON.stringify(f.severity)},"message":${jsonString(f.message)},"file":${file},"range":{"start":{"line":${start.line},"character":${start.character}},"end":{"line":${end.line},"character":${end.character}}}`;
    const res = f.resource;
    if (res) {
      if (res !== lastResource) ref = JSON.stringify((lastResource = res).ref);
      out += `,"resource":${ref}`;
    }
    if (f.pss) out += `,"pss":${JSON.stringify({ level: f.pss.level, check: f.pss.check })}`;
    if (f.suppressed) out += `,"suppressed":${JSON.stringify({ by: f.suppressed.by, reason: f.suppressed.reason })}`;
    if (f.kustomization) out += `,"kustomization":${JSON.stringify(f.kustomization)}`;
    if (f.helm) out += `,"helm":${JSON.stringify({ chart: f.helm.chart, release: f.helm.release })}`;
    write(out + '}');
    first = false;
  }
  write(']}\n');
}

const COLORS: Record<string, string> = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m', hint: '\x1b[2m' };
const RESET = '\x1b[0m';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `file:line:col: severity rule message`, then one summary line. */
export function formatText(findings: Finding[], color: boolean, stats?: ScanStats): string {
  const paint = (code: string, s: string) => (color ? `${code}${s}${RESET}` : s);
  const lines = findings.map((f) => {
    const where = `${f.uri}:${f.range.start.line + 1}:${f.range.start.character + 1}:`;
    const sev = paint(COLORS[f.severity], f.severity);
    const rule = paint('\x1b[1m', f.rule);
    const suppressed = f.suppressed ? paint('\x1b[2m', ` [suppressed by ${f.suppressed.by}: ${f.suppressed.reason}]`) : '';
    const via = f.kustomization
      ? paint('\x1b[2m', ` (rendered by ${f.kustomization})`)
      : f.helm
        ? paint('\x1b[2m', ` (release ${f.helm.release} of chart ${f.helm.chart}${f.related?.[0] ? `; ${f.related[0].message} ${f.related[0].uri}:${f.related[0].range.start.line + 1}` : ''})`)
        : '';
    return `${where} ${sev} ${rule} ${f.message}${via}${suppressed}`;
  });
  const active = findings.filter((f) => !f.suppressed);
  const scanned = stats ? ` in ${plural(stats.files, 'file')}` : '';
  let summary: string;
  if (!active.length) summary = stats && !stats.objects ? `Nothing analysed: no Kubernetes objects${scanned}.` : `No findings${scanned}.`;
  else {
    const counts = new Map<string, number>();
    for (const f of active) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
    const parts = ['error', 'warning', 'info', 'hint'].filter((s) => counts.has(s)).map((s) => plural(counts.get(s)!, s === 'info' ? 'info' : s).replace(/infos$/, 'info'));
    const files = new Set(active.map((f) => f.uri)).size;
    summary = `${plural(active.length, 'finding')} (${parts.join(', ')}) in ${plural(files, 'file')}${stats ? ` of ${stats.files} scanned` : ''}.`;
    if (stats && stats.failOn !== 'hint' && stats.failing < active.length)
      summary += stats.failOn === 'none' ? ' None fail the scan (--fail-on none).' : ` ${stats.failing} at or above ${stats.failOn} (--fail-on ${stats.failOn}).`;
  }
  if (stats?.suppressed) summary += ` ${plural(stats.suppressed, 'suppressed finding')}${findings.some((f) => f.suppressed) ? '' : ' not shown (--include-suppressed)'}.`;
  if (!lines.length) return summary + '\n';
  return `${lines.join('\n')}\n\n${paint('\x1b[1m', summary)}\n`;
}
