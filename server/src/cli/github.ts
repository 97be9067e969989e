/**
 * `--format github`: GitHub Actions workflow commands, one line per finding
 * (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`),
 * shown as annotations on the pull request's diff and the run's summary.
 * error → `::error`, warning → `::warning`, info and hint → `::notice`.
 * Suppressed findings are left out (they are not problems to annotate).
 * Escaping as in @actions/core (`toCommandValue`/`escapeData`/`escapeProperty`):
 * in the message `%`, `\r`, `\n`; in properties also `:` and `,`.
 */
import { Finding, Severity } from '../engine';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function annotation(f: Finding): string {
  const { start, end } = f.range;
  const props: [string, string | number][] = [
    ['file', f.uri],
    ['line', start.line + 1],
    ['col', start.character + 1],
    ['endLine', end.line + 1],
    ['endColumn', end.character + 1],
    ['title', `${f.rule} (${f.severity})`],
  ];
  let message = f.message;
  if (f.kustomization) message += ` (rendered by ${f.kustomization})`;
  else if (f.helm) message += ` (release ${f.helm.release} of chart ${f.helm.chart})`;
  return `::${COMMAND[f.severity]} ${props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',')}::${escapeData(message)}\n`;
}

export function writeGithub(findings: Finding[], write: (s: string) => void): void {
  for (const f of findings) if (!f.suppressed) write(annotation(f));
}

export function formatGithub(findings: Finding[]): string {
  let out = '';
  writeGithub(findings, (s) => (out += s));
  return out;
}
