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

function fingerprint(f: Finding, uri: string, snippet: string): string {
  const res = f.resource;
  const message = f.message.replace(/\d+/g, '#'); // counts and line numbers change with unrelated edits
  const parts = [f.rule, uri, res?.kind ?? '', res?.namespace ?? '', res?.name ?? '', message, snippet];
  return (sha256Hex ??= makeSha256Hex())(parts.join('\u0000')).slice(0, 32);
}

/** `snippet`: the text a finding underlines (one line at most; part of its fingerprint). */
export function formatSarif(findings: Finding[], snippet: (f: Finding) => string, opts: SarifOptions): string {
  const parts: string[] = [];
  writeSarif(findings, snippet, opts, (s) => parts.push(s));
  return parts.join('');
}

/** Stands for the results in the log's text before they are written one by one (a string JSON cannot hold unescaped). */
const RESULTS_MARK = '\u0000results\u0000';

/** A line break and `n` spaces: where a member at that indentation of the 2-space indented log starts. */
const NL: string[] = Array.from({ length: 24 }, (_, n) => '\n' + ' '.repeat(n));

/**
 * `JSON.stringify(value, null, 2)` as it reads nested at indentation `pad` of the log: the same text with
 * every line break followed by `pad` more spaces (a line break inside a JSON string is always escaped).
 */
function indented(value: unknown, pad: number): string {
  return JSON.stringify(value, null, 2).replaceAll('\n', NL[pad]);
}

/**
 * `formatSarif` written result by result through `write`: the same bytes as
 * one `JSON.stringify(log, null, 2)`, without the log or its results ever
 * being held whole (rule metadata is written once, in `tool.driver.rules`;
 * results point at it with `ruleIndex`). Each result is written as that
 * stringify would lay it out at its depth (log → runs → run → results →
 * result: members at 10 spaces), from templates: the objects a result is
 * made of are built only for its rare parts.
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
  const locations = new Map<string, { loc: ReturnType<typeof artifactLocation>; json: string }>();
  const locationOf = (uri: string) => {
    let l = locations.get(uri);
    if (!l) {
      const loc = artifactLocation(uri, opts.cwd);
      locations.set(uri, (l = { loc, json: indented(loc, 16) }));
    }
    return l;
  };
  // A resource has many findings: its logical location and its reference are written once.
  let lastResource: Finding['resource'];
  let logical = '';
  let ref = '';
  for (const f of findings) {
    const loc = locationOf(f.uri);
    const { start, end } = f.range;
    let fp = fingerprint(f, loc.loc.uri, snippet(f));
    // Identical findings in one file (same rule, resource and text) are told apart by their order.
    const n = seen.get(fp) ?? 0;
    seen.set(fp, n + 1);
    if (n) fp = `${fp}:${n + 1}`;
    if (f.suppressed && opts.includeSuppressed === false) continue;
    const res = f.resource;
    if (res && res !== lastResource) {
      lastResource = res;
      const name = res.name || '(unnamed)';
      logical = `,
              "logicalLocations": [
                {
                  "name": ${JSON.stringify(name)},
                  "fullyQualifiedName": ${JSON.stringify([res.namespace, res.kind, name].filter(Boolean).join('/'))},
                  "kind": "resource"
                }
              ]`;
      ref = indented(res.ref, 12);
    }
    const idx = ruleIndex.get(f.rule);
    // The result as the log's stringify lays it out (a template with its text inline: few pieces to join).
    let out = `${count++ ? ',' : '['}
        {
          "ruleId": ${JSON.stringify(f.rule)},
          "level": "${LEVEL[f.severity]}",
          "message": {
            "text": ${jsonString(f.message)}
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": ${loc.json},
                "region": {
                  "startLine": ${start.line + 1},
                  "startColumn": ${start.character + 1},
                  "endLine": ${end.line + 1},
                  "endColumn": ${end.character + 1}
                }
              }${res ? logical : ''}
            }
          ],
          "partialFingerprints": {
            "${FINGERPRINT_KEY}": "${fp}"
          }${idx === undefined ? '' : `,
          "ruleIndex": ${idx}`}`;
    if (res && !f.kustomization && !f.helm) {
      const pss = f.pss
        ? `,
            "pss": {
              "level": ${JSON.stringify(f.pss.level)},
              "check": ${JSON.stringify(f.pss.check)}
            }`
        : '';
      out += `,
          "properties": {
            "resource": ${ref}${pss}
          }`;
    } else {
      const props: Record<string, unknown> = {};
      if (res) props.resource = res.ref;
      if (f.pss) props.pss = { level: f.pss.level, check: f.pss.check };
      if (f.kustomization) props.kustomization = f.kustomization;
      if (f.helm) props.helm = { chart: f.helm.chart, release: f.helm.release };
      if (Object.keys(props).length) out += `,${NL[10]}"properties": ${indented(props, 10)}`;
    }
    if (f.related?.length)
      out += `,${NL[10]}"relatedLocations": ${indented(
        f.related.map((r, i) => ({
          id: i,
          message: { text: r.message },
          physicalLocation: {
            artifactLocation: locationOf(r.uri).loc,
            region: { startLine: r.range.start.line + 1, startColumn: r.range.start.character + 1, endLine: r.range.end.line + 1, endColumn: r.range.end.character + 1 },
          },
        })),
        10,
      )}`;
    if (f.suppressed)
      out += `,${NL[10]}"suppressions": ${indented([{ kind: f.suppressed.by === 'annotation' ? 'inSource' : 'external', status: 'accepted', justification: f.suppressed.reason }], 10)}`;
    write(`${out}
        }`);
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
