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
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Finding, RULES, ruleDocsUrl, Severity } from '../engine';
import type { Rule } from '../engine';

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

function fingerprint(f: Finding, uri: string, snippet: string): string {
  const res = f.resource;
  const message = f.message.replace(/\d+/g, '#'); // counts and line numbers change with unrelated edits
  const parts = [f.rule, uri, res?.kind ?? '', res?.namespace ?? '', res?.name ?? '', message, snippet];
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
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
 * The results array's items sit at depth 4 of the 2-space indented log (log → runs → run → results): a result
 * serialised inside three more arrays gets exactly their indentation, between this head and tail.
 */
const NEST_HEAD = '[\n  [\n    [\n      [';
const NEST_TAIL = '\n      ]\n    ]\n  ]\n]';

/**
 * `formatSarif` written result by result through `write`: the same bytes as
 * one `JSON.stringify(log, null, 2)`, without the log or its results ever
 * being held whole (rule metadata is written once, in `tool.driver.rules`;
 * results point at it with `ruleIndex`).
 */
export function writeSarif(findings: Finding[], snippet: (f: Finding) => string, opts: SarifOptions, write: (s: string) => void): void {
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]));
  const log = sarifLog(ruleIndex, opts);
  const text = JSON.stringify(log, null, 2) + '\n';
  const mark = `"results": ${JSON.stringify(RESULTS_MARK)}`;
  const at = text.lastIndexOf(mark); // results are the log's last member
  write(text.slice(0, at) + '"results": ');
  let count = 0;
  const seen = new Map<string, number>();
  const locations = new Map<string, ReturnType<typeof artifactLocation>>();
  for (const f of findings) {
    let loc = locations.get(f.uri);
    if (!loc) locations.set(f.uri, (loc = artifactLocation(f.uri, opts.cwd)));
    const { start, end } = f.range;
    let fp = fingerprint(f, loc.uri, snippet(f));
    // Identical findings in one file (same rule, resource and text) are told apart by their order.
    const n = seen.get(fp) ?? 0;
    seen.set(fp, n + 1);
    if (n) fp = `${fp}:${n + 1}`;
    if (f.suppressed && opts.includeSuppressed === false) continue;
    const result: Record<string, unknown> = {
      ruleId: f.rule,
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: loc,
            region: { startLine: start.line + 1, startColumn: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 },
          },
          ...(f.resource
            ? {
                logicalLocations: [
                  {
                    name: f.resource.name || '(unnamed)',
                    fullyQualifiedName: [f.resource.namespace, f.resource.kind, f.resource.name || '(unnamed)'].filter(Boolean).join('/'),
                    kind: 'resource',
                  },
                ],
              }
            : {}),
        },
      ],
      partialFingerprints: { [FINGERPRINT_KEY]: fp },
    };
    const idx = ruleIndex.get(f.rule);
    if (idx !== undefined) result.ruleIndex = idx;
    const props: Record<string, unknown> = {};
    if (f.resource) props.resource = f.resource.ref;
    if (f.pss) props.pss = { level: f.pss.level, check: f.pss.check };
    if (f.kustomization) props.kustomization = f.kustomization;
    if (f.helm) props.helm = { chart: f.helm.chart, release: f.helm.release };
    if (Object.keys(props).length) result.properties = props;
    if (f.related?.length)
      result.relatedLocations = f.related.map((r, i) => ({
        id: i,
        message: { text: r.message },
        physicalLocation: {
          artifactLocation: artifactLocation(r.uri, opts.cwd),
          region: { startLine: r.range.start.line + 1, startColumn: r.range.start.character + 1, endLine: r.range.end.line + 1, endColumn: r.range.end.character + 1 },
        },
      }));
    if (f.suppressed)
      result.suppressions = [{ kind: f.suppressed.by === 'annotation' ? 'inSource' : 'external', status: 'accepted', justification: f.suppressed.reason }];
    const nested = JSON.stringify([[[[result]]]], null, 2);
    write((count++ ? ',' : '[') + nested.slice(NEST_HEAD.length, nested.length - NEST_TAIL.length));
  }
  write((count ? '\n' + ' '.repeat(6) + ']' : '[]') + text.slice(at + mark.length));
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
