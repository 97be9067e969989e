/**
 * `.k8s-guardrails.yaml`: the workspace configuration shared by the editor
 * and the CLI. Every mistake in it is an error with a range — a typo must
 * never silently turn a check off.
 *
 *     pss:
 *       level: baseline          # privileged | baseline | restricted
 *       version: v1.30           # v1.N | latest
 *     rules:
 *       image-latest-tag: off    # error | warning | info | hint | off
 *     hardening:
 *       reportExplicitAutomountToken: true   # default false
 */
import * as path from 'node:path';
import { Range } from './text';
import { loadSourceFile, isObject, Resource } from './model';
import { YPath } from './yaml/parse';
import { EngineSettings, RuleSetting } from './rules/types';
import { RULES } from './rules/registry';
import { parsePssVersion } from './pss';
import { hasGlob, nameGlob } from './glob';

export const CONFIG_FILE_NAMES = ['.k8s-guardrails.yaml', '.k8s-guardrails.yml'];

/**
 * One `ignore:` entry. `rule` and the selectors are globs (`*` any run of
 * characters, `?` one; in `path`, `*` stops at `/` and `**` crosses it; see
 * `glob.ts`).
 * Every selector given must match; `path` is relative to the config file's
 * directory. `expires` is a YYYY-MM-DD date: the entry stops applying after
 * that day (UTC).
 */
export interface IgnoreEntry {
  rule: string;
  kind?: string;
  namespace?: string;
  name?: string;
  container?: string;
  path?: string;
  reason: string;
  expires?: string;
  /** The entry's range in the config file (its first key). */
  range: Range;
}

export const IGNORE_KEYS = ['rule', 'kind', 'namespace', 'name', 'container', 'path', 'reason', 'expires'];

export interface WorkspaceConfig {
  pss?: { level?: 'privileged' | 'baseline' | 'restricted'; version?: string };
  rules: Record<string, RuleSetting>;
  /** `ignore:` entries (valid ones only). */
  ignores: IgnoreEntry[];
  /** `kustomize:` — render kustomizations (default true) and the per-build time limit. */
  kustomize?: { enabled?: boolean; timeoutSeconds?: number };
  /** `hardening:` — options of the hardening rules. */
  hardening?: NonNullable<EngineSettings['hardening']>;
  /** `helm:` — render charts (default true), the per-render time limit, and the releases to render. */
  helm?: { enabled?: boolean; timeoutSeconds?: number; releases?: HelmRelease[] };
  /** Other top-level sections, kept for the features that read them. */
  raw: Record<string, unknown>;
}

/**
 * One `helm.releases` entry: a chart rendered as `helm template <name> <chart> --namespace <namespace> -f <values>… --set <k=v>…`.
 * Paths are as written (relative to the config file's directory).
 */
export interface HelmRelease {
  chart: string;
  name: string;
  namespace?: string;
  values: string[];
  set: Record<string, string | number | boolean>;
  /** The entry's index in `helm.releases`. */
  index: number;
}

export const HELM_RELEASE_KEYS = ['chart', 'name', 'namespace', 'values', 'set'];

export interface ConfigError {
  message: string;
  range: Range;
}

export interface ParsedConfig {
  uri: string;
  config: WorkspaceConfig;
  errors: ConfigError[];
}

/**
 * The configuration file as both front ends use it: parsed, with `paths.ignore`
 * (files not to scan; the CLI honours it) and the one way to say where a
 * file is relative to the config file's folder (`path:` selectors of
 * `ignore:` entries, `paths.ignore`).
 */
export interface ConfigFile extends ParsedConfig {
  /** `paths.ignore` globs, relative to the file's folder. */
  ignorePaths: string[];
  /** Errors in `paths` (the CLI reports them with `errors`). */
  pathErrors: ConfigError[];
  /** A file's path relative to the config file's folder (forward slashes); undefined outside it. */
  relativePath(uri: string): string | undefined;
}

/** True when `uri` names a configuration file (`.k8s-guardrails.yaml` / `.yml`). */
export function isConfigFile(uri: string): boolean {
  return CONFIG_FILE_NAMES.some((n) => uri.endsWith('/' + n));
}

/**
 * Parse a configuration file. Files are named by `file:` URIs (the editor:
 * `uri` is one too) or by paths (the CLI: give `paths`, the config file's
 * absolute folder and the folder file paths are relative to).
 */
export function readConfigFile(uri: string, text: string, paths?: { dir: string; cwd: string }): ConfigFile {
  const parsed = parseConfig(uri, text);
  const pathErrors: ConfigError[] = [];
  const ignorePaths = parsePaths(uri, text, pathErrors);
  let relativePath: (uri: string) => string | undefined;
  if (paths) {
    relativePath = (file) => {
      const rel = path.relative(paths.dir, path.resolve(paths.cwd, file));
      return rel.startsWith('..') || path.isAbsolute(rel) ? undefined : rel.split(path.sep).join('/');
    };
  } else {
    const dir = uri.slice(0, uri.lastIndexOf('/') + 1);
    relativePath = (file) => (file.startsWith(dir) ? decodeURIComponent(file.slice(dir.length)) : undefined);
  }
  return { ...parsed, ignorePaths, pathErrors, relativePath };
}

/** `paths: {ignore: [globs]}`, with ranges for its errors. */
function parsePaths(uri: string, text: string, errors: ConfigError[]): string[] {
  const file = loadSourceFile(uri, text, undefined, { maxFileBytes: 1024 * 1024 });
  const doc = file.documents[0];
  const value = doc?.value;
  if (!doc || doc.error || !isObject(value) || value.paths === undefined || value.paths === null) return [];
  const view = new Resource(file, doc, [], value);
  const err = (p: (string | number)[], message: string) => errors.push({ message, range: view.range(p) });
  const paths = value.paths;
  if (!isObject(paths)) {
    err(['paths'], `"paths" must be a mapping with "ignore" (a list of globs), not ${JSON.stringify(paths)}`);
    return [];
  }
  const out: string[] = [];
  for (const [k, v] of Object.entries(paths)) {
    if (k !== 'ignore') {
      err(['paths', k], `unknown key "paths.${k}"${didYouMean(k, ['ignore'])}`);
      continue;
    }
    if (v === null || v === undefined) continue;
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list)) {
      err(['paths', 'ignore'], `"paths.ignore" must be a list of globs, not ${JSON.stringify(v)}`);
      continue;
    }
    list.forEach((g, i) => {
      if (typeof g !== 'string' || g.trim() === '') err(['paths', 'ignore', ...(typeof v === 'string' ? [] : [i])], `invalid glob ${JSON.stringify(g)} in "paths.ignore" (expected a non-empty string)`);
      else out.push(g.trim());
    });
  }
  return out;
}

const TOP_KEYS = new Set(['pss', 'rules', 'netpol', 'ignore', 'cluster', 'paths', 'kustomize', 'hardening', 'helm']);
const HARDENING_KEYS = ['reportExplicitAutomountToken'];
const SEVERITY_VALUES = new Set(['error', 'warning', 'info', 'hint', 'off']);

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

export function didYouMean(word: string, candidates: Iterable<string>): string {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dd = distance(word, c);
    if (dd < bestD) [best, bestD] = [c, dd];
  }
  return best && bestD <= Math.max(2, Math.floor(word.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

export function parseConfig(uri: string, text: string): ParsedConfig {
  const config: WorkspaceConfig = { rules: {}, ignores: [], raw: {} };
  const errors: ConfigError[] = [];
  const file = loadSourceFile(uri, text, undefined, { maxFileBytes: 1024 * 1024 });
  const doc = file.documents[0];
  if (!doc) return { uri, config, errors };
  if (doc.error) {
    const at = doc.start + doc.error.offset;
    errors.push({ message: `YAML syntax error: ${doc.error.message}`, range: file.lines.range(at, at + 1) });
    return { uri, config, errors };
  }
  const value = doc.value;
  // A resource-like view gives us ranges for paths inside the document.
  const view = new Resource(file, doc, [], isObject(value) ? value : {});
  const err = (path: YPath, message: string) => errors.push({ message, range: view.range(path) });
  if (value === null || value === undefined) return { uri, config, errors };
  if (!isObject(value)) {
    err([], 'the configuration must be a mapping');
    return { uri, config, errors };
  }
  for (const [key, v] of Object.entries(value)) {
    if (!TOP_KEYS.has(key)) {
      err([key], `unknown key "${key}"${didYouMean(key, TOP_KEYS)}`);
      continue;
    }
    config.raw[key] = v;
  }
  const pss = value.pss;
  if (pss !== undefined && pss !== null) {
    if (!isObject(pss)) err(['pss'], '"pss" must be a mapping with level and/or version');
    else {
      config.pss = {};
      for (const [k, v] of Object.entries(pss)) {
        if (k === 'level') {
          if (v === 'privileged' || v === 'baseline' || v === 'restricted') config.pss.level = v;
          else err(['pss', 'level'], `invalid PSS level ${JSON.stringify(v)} (expected privileged, baseline or restricted)`);
        } else if (k === 'version') {
          if (typeof v === 'string' && parsePssVersion(v)) config.pss.version = v;
          else err(['pss', 'version'], `invalid PSS version ${JSON.stringify(v)} (expected v1.N or latest)`);
        } else err(['pss', k], `unknown key "pss.${k}"${didYouMean(k, ['level', 'version'])}`);
      }
    }
  }
  const rules = value.rules;
  if (rules !== undefined && rules !== null) {
    if (!isObject(rules)) err(['rules'], '"rules" must map rule ids to error, warning, info, hint or off');
    else {
      const ids = RULES.map((r) => r.id);
      for (const [id, v] of Object.entries(rules)) {
        // YAML 1.1 reads a bare `off` as false; accept it as "off".
        const setting = v === false ? 'off' : v;
        if (!ids.includes(id)) err(['rules', id], `unknown rule "${id}"${didYouMean(id, ids)}`);
        else if (typeof setting !== 'string' || !SEVERITY_VALUES.has(setting)) err(['rules', id], `invalid setting ${JSON.stringify(v)} for rule "${id}" (expected error, warning, info, hint or off)`);
        else if (RULES.find((r) => r.id === id)!.locked)
          err(['rules', id], `rule "${id}" cannot be turned off or re-graded; ignore a specific file with an ignore entry (rule, path, reason) instead`);
        else config.rules[id] = setting as RuleSetting;
      }
    }
  }
  const kustomize = value.kustomize;
  if (kustomize !== undefined && kustomize !== null) {
    if (!isObject(kustomize)) err(['kustomize'], '"kustomize" must be a mapping with enabled and/or timeoutSeconds');
    else {
      config.kustomize = {};
      for (const [k, v] of Object.entries(kustomize)) {
        if (k === 'enabled') {
          if (typeof v === 'boolean') config.kustomize.enabled = v;
          else err(['kustomize', k], `invalid value ${JSON.stringify(v)} for "kustomize.enabled" (expected true or false)`);
        } else if (k === 'timeoutSeconds') {
          if (typeof v === 'number' && v > 0 && Number.isFinite(v)) config.kustomize.timeoutSeconds = v;
          else err(['kustomize', k], `invalid value ${JSON.stringify(v)} for "kustomize.timeoutSeconds" (expected a positive number of seconds)`);
        } else err(['kustomize', k], `unknown key "kustomize.${k}"${didYouMean(k, ['enabled', 'timeoutSeconds'])}${k === 'command' ? ' (the kustomize command is a machine setting: --kustomize-command or k8sGuardrails.kustomize.command, never the repository\'s file)' : ''}`);
      }
    }
  }
  const hardening = value.hardening;
  if (hardening !== undefined && hardening !== null) {
    if (!isObject(hardening)) err(['hardening'], '"hardening" must be a mapping with reportExplicitAutomountToken');
    else {
      config.hardening = {};
      for (const [k, v] of Object.entries(hardening)) {
        if (k === 'reportExplicitAutomountToken') {
          if (typeof v === 'boolean') config.hardening.reportExplicitAutomountToken = v;
          else err(['hardening', k], `invalid value ${JSON.stringify(v)} for "hardening.${k}" (expected true or false)`);
        } else err(['hardening', k], `unknown key "hardening.${k}"${didYouMean(k, HARDENING_KEYS)}`);
      }
    }
  }
  const helm = value.helm;
  if (helm !== undefined && helm !== null) {
    if (!isObject(helm)) err(['helm'], '"helm" must be a mapping with enabled, timeoutSeconds and/or releases');
    else {
      config.helm = {};
      for (const [k, v] of Object.entries(helm)) {
        if (k === 'enabled') {
          if (typeof v === 'boolean') config.helm.enabled = v;
          else err(['helm', k], `invalid value ${JSON.stringify(v)} for "helm.enabled" (expected true or false)`);
        } else if (k === 'timeoutSeconds') {
          if (typeof v === 'number' && v > 0 && Number.isFinite(v)) config.helm.timeoutSeconds = v;
          else err(['helm', k], `invalid value ${JSON.stringify(v)} for "helm.timeoutSeconds" (expected a positive number of seconds)`);
        } else if (k === 'releases') {
          if (!Array.isArray(v)) err(['helm', k], '"helm.releases" must be a list of releases (chart, name, namespace, values, set)');
          else config.helm.releases = v.map((entry, i) => parseRelease(entry, i, err)).filter((r): r is HelmRelease => r !== undefined);
        } else
          err(['helm', k], `unknown key "helm.${k}"${didYouMean(k, ['enabled', 'timeoutSeconds', 'releases'])}${k === 'command' ? ' (the helm command is a machine setting: --helm or k8sGuardrails.helm.command, never the repository\'s file)' : ''}`);
      }
    }
  }
  const ignore = value.ignore;
  if (ignore !== undefined && ignore !== null) {
    if (!Array.isArray(ignore)) err(['ignore'], '"ignore" must be a list of entries with rule and reason');
    else ignore.forEach((entry, i) => parseIgnore(entry, i, view, err, config.ignores));
  }
  return { uri, config, errors };
}

const NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function parseRelease(entry: unknown, i: number, err: (path: YPath, message: string) => void): HelmRelease | undefined {
  const at: YPath = ['helm', 'releases', i];
  if (!isObject(entry) || entry instanceof Date) {
    err(at, `release ${i + 1} must be a mapping with chart and name`);
    return undefined;
  }
  let ok = true;
  const r: HelmRelease = { chart: '', name: '', values: [], set: {}, index: i };
  for (const [k, v] of Object.entries(entry)) {
    if (k === 'chart' || k === 'name' || k === 'namespace') {
      if (typeof v !== 'string' || v.trim() === '') {
        err([...at, k], `invalid ${k} ${JSON.stringify(v)} in release ${i + 1} (expected a non-empty string)`);
        ok = false;
      } else if (k !== 'chart' && !NAME_RE.test(v)) {
        err([...at, k], `invalid ${k} ${JSON.stringify(v)} in release ${i + 1} (lower-case letters, digits and "-")`);
        ok = false;
      } else r[k] = v;
    } else if (k === 'values') {
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x.trim() === '')) {
        err([...at, k], `"values" of release ${i + 1} must be a list of values files (relative to the configuration file)`);
        ok = false;
      } else r.values = v as string[];
    } else if (k === 'set') {
      if (!isObject(v)) {
        err([...at, k], `"set" of release ${i + 1} must be a mapping of value paths to values, like --set`);
        ok = false;
      } else
        for (const [key, val] of Object.entries(v)) {
          if (typeof val === 'string' || typeof val === 'number' || typeof val === 'boolean') r.set[key] = val;
          else {
            err([...at, k, key], `invalid value for "${key}" in release ${i + 1} (expected a string, number or boolean; nest with dotted keys)`);
            ok = false;
          }
        }
    } else {
      err([...at, k], `unknown key "${k}" in release ${i + 1}${didYouMean(k, HELM_RELEASE_KEYS)}`);
      ok = false;
    }
  }
  for (const k of ['chart', 'name'] as const)
    if (!(k in entry)) {
      err(at, `release ${i + 1} without "${k}"`);
      ok = false;
    }
  return ok ? r : undefined;
}

function parseIgnore(entry: unknown, i: number, view: Resource, err: (path: YPath, message: string) => void, out: IgnoreEntry[]): void {
  if (!isObject(entry) || entry instanceof Date) {
    err(['ignore', i], `ignore entry ${i + 1} must be a mapping with rule and reason, not ${JSON.stringify(entry)}`);
    return;
  }
  let ok = true;
  const e: Partial<IgnoreEntry> = { range: view.range(['ignore', i, Object.keys(entry)[0] ?? '']) };
  for (const [k, v] of Object.entries(entry)) {
    if (!IGNORE_KEYS.includes(k)) {
      err(['ignore', i, k], `unknown key "${k}" in ignore entry${didYouMean(k, IGNORE_KEYS)}`);
      ok = false;
      continue;
    }
    if (k === 'expires') {
      // An unquoted date is a YAML timestamp (2027-02-30 rolls over to March): read the source text.
      const [from, to] = view.span(['ignore', i, k]);
      const date = v instanceof Date ? view.file.text.slice(from, to).trim() : typeof v === 'string' ? v.trim() : undefined;
      const m = date !== undefined ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(date) : null;
      const d = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : undefined;
      if (!d || d.toISOString().slice(0, 10) !== date) {
        err(['ignore', i, k], `invalid date ${JSON.stringify(v instanceof Date ? date : v)} for "expires" (expected YYYY-MM-DD)`);
        ok = false;
      } else e.expires = date;
      continue;
    }
    if (typeof v !== 'string' || v.trim() === '') {
      if (k !== 'reason') {
        err(['ignore', i, k], `invalid ${k} ${JSON.stringify(v)} in ignore entry (expected a non-empty string)`);
        ok = false;
      }
      continue;
    }
    (e as Record<string, string>)[k] = v.trim();
  }
  if (e.rule === undefined) {
    if (!('rule' in entry)) err(['ignore', i], 'ignore entry without "rule" (a rule id or a glob such as "rbac-*")');
    ok = false;
  } else {
    const ids = RULES.map((r) => r.id);
    const matches = nameGlob(e.rule);
    if (!ids.some(matches)) {
      err(['ignore', i, 'rule'], `unknown rule "${e.rule}"${hasGlob(e.rule) ? ' (the glob matches no rule)' : didYouMean(e.rule, ids)}`);
      ok = false;
    }
  }
  if (e.reason === undefined) {
    err(['ignore', i, ...('reason' in entry ? ['reason'] : [])], `ignore entry for "${e.rule ?? '?'}" without a reason: say why the risk is accepted`);
    ok = false;
  }
  if (ok) out.push(e as IgnoreEntry);
}

/**
 * Combine: defaults ← config file ← editor settings for rule severities
 * (a personal override), while the config file's PSS level/version (team
 * policy) wins over the editor's.
 */
export function applyConfig(base: EngineSettings, config: WorkspaceConfig | undefined): EngineSettings {
  if (!config) return base;
  const out = structuredClone(base);
  out.rules = { ...config.rules, ...base.rules };
  if (config.pss?.level && !out.pss.override) {
    out.pss.level = config.pss.level;
    out.pss.source = 'config file';
  }
  if (config.hardening) out.hardening = { ...config.hardening, ...base.hardening };
  if (config.pss?.version && !out.pss.override) {
    out.pss.version = config.pss.version;
    out.pss.source = 'config file';
  }
  return out;
}
