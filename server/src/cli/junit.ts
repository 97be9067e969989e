/**
 * `--format junit`: JUnit XML for CI test dashboards (GitLab, Jenkins,
 * Azure DevOps). One `<testsuite>` per file with findings, one `<testcase>`
 * per finding; a finding at or above `--fail-on` is a `<failure>`, one below
 * it a passing test case (its text in `<system-out>`), a suppressed one
 * (with --include-suppressed) `<skipped>`. Files without findings are not
 * listed. Written one file (test suite) at a time to a sink.
 */
import { Finding, ruleDocsUrl, Severity } from '../engine';

export interface JunitOptions {
  /** --fail-on: error, warning, info, hint or none. */
  failOn: string;
}

const RANK: Record<string, number> = { error: 0, warning: 1, info: 2, hint: 3, none: -1 };

/** XML 1.0 text or attribute value: the five entities, and characters XML cannot hold dropped. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

/** Element content: as xmlEscape, but line breaks kept as they are. */
function textEscape(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

const fails = (f: Finding, failOn: string) => !f.suppressed && failOn !== 'none' && RANK[f.severity as Severity] <= RANK[failOn];

function details(f: Finding): string {
  const { line, character } = f.range.start;
  const lines = [`${f.uri}:${line + 1}:${character + 1}: ${f.severity} ${f.rule}`, f.message];
  if (f.resource) lines.push(`resource: ${f.resource.ref.kind} ${f.resource.ref.namespace ? `${f.resource.ref.namespace}/` : ''}${f.resource.ref.name || '(unnamed)'}`);
  if (f.kustomization) lines.push(`rendered by ${f.kustomization}`);
  if (f.helm) lines.push(`release ${f.helm.release} of chart ${f.helm.chart}`);
  lines.push(`docs: ${ruleDocsUrl(f.rule)}`);
  return lines.join('\n');
}

function testcase(f: Finding, failOn: string): string {
  const { line, character } = f.range.start;
  const attrs = `name="${xmlEscape(`${f.rule} at ${line + 1}:${character + 1}`)}" classname="${xmlEscape(f.uri)}" file="${xmlEscape(f.uri)}" line="${line + 1}" time="0"`;
  let body: string;
  if (f.suppressed) body = `<skipped message="${xmlEscape(`suppressed by ${f.suppressed.by}: ${f.suppressed.reason}`)}"/>`;
  else if (fails(f, failOn)) body = `<failure message="${xmlEscape(f.message)}" type="${f.severity}">${textEscape(details(f))}</failure>`;
  else body = `<system-out>${textEscape(details(f))}</system-out>`;
  return `    <testcase ${attrs}>\n      ${body}\n    </testcase>\n`;
}

function counts(findings: Finding[], failOn: string) {
  let failures = 0;
  let skipped = 0;
  for (const f of findings) {
    if (f.suppressed) skipped++;
    else if (fails(f, failOn)) failures++;
  }
  return `tests="${findings.length}" failures="${failures}" errors="0" skipped="${skipped}"`;
}

export function writeJunit(findings: Finding[], opts: JunitOptions, write: (s: string) => void): void {
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = byFile.get(f.uri);
    if (list) list.push(f);
    else byFile.set(f.uri, [f]);
  }
  write(`<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="k8s-guardrails" ${counts(findings, opts.failOn)}>\n`);
  for (const [uri, list] of byFile) {
    write(`  <testsuite name="${xmlEscape(uri)}" ${counts(list, opts.failOn)}>\n`);
    for (const f of list) write(testcase(f, opts.failOn));
    write('  </testsuite>\n');
  }
  write('</testsuites>\n');
}

export function formatJunit(findings: Finding[], opts: JunitOptions): string {
  let out = '';
  writeJunit(findings, opts, (s) => (out += s));
  return out;
}
