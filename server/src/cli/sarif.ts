/**
 * SARIF 2.1.0 output (`--format sarif`) for code-scanning dashboards.
 *
 * - Every rule is listed in `tool.driver.rules` (so `ruleIndex` is stable
 *   across runs); rules turned off or re-levelled are listed in the
 *   invocation's `ruleConfigurationOverrides`.
 * - Locations are relative to the current directory (`%SRCROOT%`), with
 *   1-based lines and columns (UTF-16 code units, as in the editor).
 * - `partialFingerprints` hash the rule, file, resource and message — not line
 *   numbers — so a finding keeps its identity when unrelated lines move.
 * - Suppressed findings are left out unless asked for (`includeSuppressed`,
 *   the CLI's --include-suppressed): GitHub code scanning shows them as open
 *   alerts. When present they carry `suppressions` (annotation →
 *   `inSource`, configuration → `external`). Fingerprints are numbered over
 *   all findings, so leaving suppressed ones out changes no other result's.
 * - Written compact, one result per line (see `writeSarif`): the log's value
 *   is what it was when it was indented, at about half the bytes.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Finding, RULES, ruleDocsUrl, Severity } from '../engine';
import type { Rule } from '../engine';
import { jsonString } from './format';

export const INFORMATION_URI = 'https://github.com/k8s-guardrails/k8s-guardrails';
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const FINGERPRINT_KEY = 'k8sGuardrails/v1';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };
/** GitHub code scanning ranks security results by this (0.0–10.0). */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.5', info: '3.0', hint: '1.0' };

export interface SarifOptions {
  cwd: string;
  version: string;
  /** Effective per-rule setting (`off` or a severity) where it differs from the default. */
  overrides: Record<string, Severity | 'off'>;
  /** Files skipped or unreadable, and internal errors: tool execution notifications. */
  notifications: { level: 'error' | 'warning' | 'note'; message: string; file?: string }[];
  executionSuccessful: boolean;
  /** Include suppressed findings (with `suppressions`); default: true. */
  includeSuppressed?: boolean;
}

/** `name`: the id in PascalCase (`privileged-container` → `PrivilegedContainer`). */
function ruleName(id: string): string {
  return id
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

function describeRule(rule: Rule) {
  const props: Record<string, unknown> = {
    tags: ['security', 'kubernetes', rule.family, ...(rule.pss ? [`pss-${rule.pss.level}`] : [])],
    'security-severity': SECURITY_SEVERITY[rule.defaultSeverity],
    family: rule.family,
    fixable: rule.fix !== 'none',
  };
  if (rule.pss) props.pss = { level: rule.pss.level, check: rule.pss.check };
  const helpUri = ruleDocsUrl(rule.id);
  return {
    id: rule.id,
    name: ruleName(rule.id),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.docs.summary },
    help: {
      text: `${rule.docs.summary}\n\n${rule.docs.why}\n\n${helpUri}`,
      markdown: `${rule.docs.summary}\n\n${rule.docs.why}\n\n[Documentation](${helpUri})`,
    },
    helpUri,
    defaultConfiguration: { enabled: true, level: LEVEL[rule.defaultSeverity] },
    properties: props,
  };
}

/** A relative URI (forward slashes, percent-encoded) under the current directory, or an absolute file URI. */
export function artifactLocation(file: string, cwd: string): { uri: string; uriBaseId?: string } {
  const abs = path.resolve(cwd, file);
  const rel = path.relative(cwd, abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return { uri: pathToFileURL(abs).href };
  return { uri: rel.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

let sha256Hex: ((s: string) => string) | undefined;

/** SHA-256 in hex: one-shot `crypto.hash` where node has it (20.12+: a third of the time of a Hash object per finding). */
function makeSha256Hex(): (s: string) => string {
  // Required on first use: loading node:crypto (and the streams it needs) costs every other scan its start-up.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const crypto = require('node:crypto') as typeof import('node:crypto') & { hash?: (alg: string, data: string, enc: 'hex') => string };
  const hash = crypto.hash;
  return hash ? (s) => hash('sha256', s, 'hex') : (s) => crypto.createHash('sha256').update(s).digest('hex');
}

/**
 * The fingerprint of a finding: the first 32 hex digits of the SHA-256 of its rule, file, resource (kind,
 * namespace, name), message with numbers made `#` (counts and line numbers change with unrelated edits) and
 * snippet, joined by NUL. `resource` is that resource's part (`\0uri\0kind\0namespace\0name\0`), built once
 * per resource by the caller. GitHub tracks alerts by these values: they never change.
 */
function fingerprint(f: Finding, resource: string, snippet: string): string {
  return (sha256Hex ??= makeSha256Hex())(f.rule + resource + f.message.replace(/\d+/g, '#') + '\u0000' + snippet).slice(0, 32);
}

/** `snippet`: the text a finding underlines (one line at most; part of its fingerprint). */
export function formatSarif(findings: Finding[], snippet: (f: Finding) => string, opts: SarifOptions): string {
  const parts: string[] = [];
  writeSarif(findings, snippet, opts, (s) => parts.push(s));
  return parts.join('');
}

/** Stands for the results in the log's text before they are written one by one (a string JSON cannot hold unescaped). */
const RESULTS_MARK = '\u0000results\u0000';

/**
 * `formatSarif` written result by result through `write`, without the log or its results ever being held
 * whole (rule metadata is written once, in `tool.driver.rules`; results point at it with `ruleIndex`).
 *
 * The layout is compact, one result per line: the log's text up to `"results":[` on the first line, each
 * result on a line of its own, then `]` and the rest of the log, and a final line break. Without its line
 * breaks the text is `JSON.stringify(log)` exactly (a line break inside a JSON string is escaped, so none is
 * lost). SARIF is read by machines (GitHub code scanning caps an upload's size): indentation would double
 * the bytes; a line per result keeps it greppable and diffable. Each result is written from a template in
 * the member order of the log's stringify: the objects a result is made of are built only for its rare parts.
 */
export function writeSarif(findings: Finding[], snippet: (f: Finding) => string, opts: SarifOptions, write: (s: string) => void): void {
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]));
  const text = JSON.stringify(sarifLog(ruleIndex, opts));
  const mark = `"results":${JSON.stringify(RESULTS_MARK)}`;
  const at = text.lastIndexOf(mark); // results are the log's last member
  write(text.slice(0, at) + '"results":[');
  let count = 0;
  const seen = new Map<string, number>();
  const locations = new Map<string, { loc: ReturnType<typeof artifactLocation>; json: string }>();
  const locationOf = (uri: string) => {
    let l = locations.get(uri);
    if (!l) {
      const loc = artifactLocation(uri, opts.cwd);
      locations.set(uri, (l = { loc, json: JSON.stringify(loc) }));
    }
    return l;
  };
  // A rule's id and index: the same text for each of its results.
  const ruleParts = new Map<string, { id: string; index: string }>();
  // A resource has many findings: its part of the fingerprint, its logical location and its reference are made once.
  let lastResource: Finding['resource'] | null = null;
  let lastUri = '';
  let resourcePart = '';
  let logical = '';
  let ref = '';
  for (const f of findings) {
    const loc = locationOf(f.uri);
    const res = f.resource;
    if (res !== lastResource || f.uri !== lastUri) {
      lastResource = res;
      lastUri = f.uri;
      resourcePart = `\u0000${loc.loc.uri}\u0000${res?.kind ?? ''}\u0000${res?.namespace ?? ''}\u0000${res?.name ?? ''}\u0000`;
      if (res) {
        const name = res.name || '(unnamed)';
        logical = `,"logicalLocations":[{"name":${JSON.stringify(name)},"fullyQualifiedName":${JSON.stringify([res.namespace, res.kind, name].filter(Boolean).join('/'))},"kind":"resource"}]`;
        ref = JSON.stringify(res.ref);
      }
    }
    let fp = fingerprint(f, resourcePart, snippet(f));
    // Identical findings in one file (same rule, resource and text) are told apart by their order.
    const n = seen.get(fp) ?? 0;
    seen.set(fp, n + 1);
    if (n) fp = `${fp}:${n + 1}`;
    if (f.suppressed && opts.includeSuppressed === false) continue;
    let rule = ruleParts.get(f.rule);
    if (!rule) {
      const idx = ruleIndex.get(f.rule);
      ruleParts.set(f.rule, (rule = { id: JSON.stringify(f.rule), index: idx === undefined ? '' : `,"ruleIndex":${idx}` }));
    }
    const { start, end } = f.range;
    // The result as the log's stringify lays it out (a template with its text inline: few pieces to join).
    let out = `${count++ ? ',\n' : '\n'}{"ruleId":${rule.id},"level":"${LEVEL[f.severity]}","message":{"text":${jsonString(f.message)}},"locations":[{"physicalLocation":{"artifactLocation":${loc.json},"region":{"startLine":${start.line + 1},"startColumn":${start.character + 1},"endLine":${end.line + 1},"endColumn":${end.character + 1}}}${res ? logical : ''}}],"partialFingerprints":{"${FINGERPRINT_KEY}":"${fp}"}${rule.index}`;
    if (res && !f.kustomization && !f.helm) {
      out += `,"properties":{"resource":${ref}${f.pss ? `,"pss":{"level":${JSON.stringify(f.pss.level)},"check":${JSON.stringify(f.pss.check)}}` : ''}}`;
    } else {
      const props: Record<string, unknown> = {};
      if (res) props.resource = res.ref;
      if (f.pss) props.pss = { level: f.pss.level, check: f.pss.check };
      if (f.kustomization) props.kustomization = f.kustomization;
      if (f.helm) props.helm = { chart: f.helm.chart, release: f.helm.release };
      if (Object.keys(props).length) out += `,"properties":${JSON.stringify(props)}`;
    }
    if (f.related?.length)
      out += `,"relatedLocations":${JSON.stringify(
        f.related.map((r, i) => ({
          id: i,
          message: { text: r.message },
          physicalLocation: {
            artifactLocation: locationOf(r.uri).loc,
            region: { startLine: r.range.start.line + 1, startColumn: r.range.start.character + 1, endLine: r.range.end.line + 1, endColumn: r.range.end.character + 1 },
          },
        })),
      )}`;
    if (f.suppressed)
      out += `,"suppressions":${JSON.stringify([{ kind: f.suppressed.by === 'annotation' ? 'inSource' : 'external', status: 'accepted', justification: f.suppressed.reason }])}`;
    write(out + '}');
  }
  write(`${count ? '\n' : ''}]${text.slice(at + mark.length)}\n`);
}

/** The log with every part but its results (`RESULTS_MARK` in their place). */
function sarifLog(ruleIndex: Map<string, number>, opts: SarifOptions) {
  const overrides = Object.entries(opts.overrides)
    .filter(([id]) => ruleIndex.has(id))
    .map(([id, setting]) => ({
      descriptor: { id, index: ruleIndex.get(id)! },
      configuration: setting === 'off' ? { enabled: false } : { level: LEVEL[setting] },
    }));
  const invocation: Record<string, unknown> = { executionSuccessful: opts.executionSuccessful };
  if (overrides.length) invocation.ruleConfigurationOverrides = overrides;
  if (opts.notifications.length)
    invocation.toolExecutionNotifications = opts.notifications.map((n) => ({
      level: n.level,
      message: { text: n.message },
      ...(n.file && n.file !== '-' ? { locations: [{ physicalLocation: { artifactLocation: artifactLocation(n.file, opts.cwd) } }] } : {}),
    }));

  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'k8s-guardrails',
            version: opts.version,
            semanticVersion: /^\d+\.\d+\.\d+/.test(opts.version) ? opts.version : undefined,
            informationUri: INFORMATION_URI,
            rules: RULES.map(describeRule),
          },
        },
        invocations: [invocation],
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(opts.cwd).href.replace(/\/?$/, '/') } },
        columnKind: 'utf16CodeUnits',
        results: RESULTS_MARK,
      },
    ],
  };
}
