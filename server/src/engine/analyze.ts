/**
 * The one entry point the language server and the CLI share: run every
 * enabled rule over (part of) a workspace and collect findings per file.
 */
import { Resource, Severity, SourceFile } from './model';
import { RULES } from './rules/registry';
import { EngineSettings, Finding, Report, Rule, RuleContext } from './rules/types';
import { WorkspaceIndex } from './workspace';
import { annotationIgnore, ConfigIgnores, containerOf, IGNORE_PREFIX, parseIgnoreKey, suppressFix } from './suppress';
import { IgnoreEntry } from './config';
import { nameGlob } from './glob';
import { notAnalysedReport } from './rules/yaml/not-analysed';
import { incompleteReason } from './completeness';
import { AnalysisMemo } from './memo';
import { podTemplates } from './workloads';

export interface AnalyzeOptions {
  /** Only report on these files (default: all files of the workspace). */
  uris?: Iterable<string>;
  /** Called once per rule that throws; the other rules still run. */
  onRuleError?: (rule: Rule, error: unknown, where: string) => void;
  /** Checked between files; return true to stop early (cancellation). */
  isCancelled?: () => boolean;
  /**
   * Per-file time limit for the per-file and per-resource rules (checked
   * between rules): a file over it keeps the findings found so far and is
   * listed in `timedOut`. Default: no limit.
   */
  fileTimeLimitMs?: number;
  /** Where that limit is set, named in the `not-analysed` finding (e.g. `--time-limit`). */
  fileTimeLimitSetting?: string;
  /** The rules to run (default: the registry); tests use it to add a rule. */
  rules?: readonly Rule[];
  /** Keep suppressed findings (marked `suppressed`) instead of dropping them. */
  includeSuppressed?: boolean;
  /**
   * The findings are for a report only (the CLI): no `fixes` and no `path` on them. A fix provider holds on
   * to what its rule read of the resource, so dropping them keeps a large scan's memory (and its garbage
   * collection) small. Default: false.
   */
  reportOnly?: boolean;
  /**
   * `ignore:` entries of the config file. Entries that suppress nothing are
   * reported as `unused-ignore` on `uri` (the config file) when the whole
   * workspace is analysed (no `uris`) or `uris` includes `uri`.
   */
  configIgnores?: {
    uri: string;
    entries: IgnoreEntry[];
    /** A file's path relative to the config file's directory (forward slashes), for `path:` selectors. */
    relativePath?: (uri: string) => string | undefined;
  };
  /** The clock for `expires` (default: now). */
  now?: Date;
  /**
   * The snapshot's memo (engine/host.ts passes its own, so that analyses in batches build the
   * NetworkPolicy and RBAC models once). It must belong to this workspace state and these settings;
   * default: a new one for this call.
   */
  memo?: AnalysisMemo;
  /**
   * Keep what the per-resource rules report on each resource, and replay it on the next analysis of an
   * unchanged document while the workspace's facts are unchanged (see ReportCache): the language server
   * re-analysing as the user types. Off by default (a one-off scan would only keep more in memory).
   */
  reuseReports?: boolean;
}

export interface AnalysisResult {
  findings: Map<string, Finding[]>;
  cancelled: boolean;
  /** Files whose analysis stopped at `fileTimeLimitMs` (uri → milliseconds spent): their findings are incomplete. */
  timedOut: Map<string, number>;
  /** Per file: the config `ignore:` entries that matched a finding there (suppressed or expired). */
  ignoreUse: Map<string, Set<IgnoreEntry>>;
}

/**
 * `unused-ignore` findings on the config file for entries not in `used`
 * (skipping entries whose rules are all off, or all in `live` when given).
 */
export function unusedConfigIgnores(uri: string, entries: IgnoreEntry[], used: Set<IgnoreEntry>, settings: EngineSettings, live?: Set<string>): Finding[] {
  const rule = RULES.find((r) => r.id === 'unused-ignore')!;
  const severity = enabled(rule, settings);
  if (!severity) return [];
  const on = live ?? new Set(RULES.filter((r) => enabled(r, settings)).map((r) => r.id));
  const out: Finding[] = [];
  for (const entry of entries) {
    if (used.has(entry)) continue;
    const matches = nameGlob(entry.rule);
    if (![...on].some(matches)) continue; // every rule it names is off
    out.push({ rule: 'unused-ignore', severity, message: `Unused ignore: the entry for "${entry.rule}" suppresses nothing in the analysed files; remove it or fix its selectors.`, uri, range: entry.range });
  }
  return out;
}

function enabled(rule: Rule, settings: EngineSettings): Severity | undefined {
  if (rule.locked) return rule.defaultSeverity;
  const s = settings.rules[rule.id];
  if (s === 'off') return undefined;
  return s ?? rule.defaultSeverity;
}

export function analyze(ws: WorkspaceIndex, settings: EngineSettings, options: AnalyzeOptions = {}): AnalysisResult {
  const wanted = options.uris ? new Set(options.uris) : undefined;
  const findings = new Map<string, Finding[]>();
  const files: SourceFile[] = [];
  for (const f of ws.allFiles()) {
    if (wanted && !wanted.has(f.uri)) continue;
    files.push(f);
    findings.set(f.uri, []);
  }
  const failed = new Set<Rule>();
  const active = (options.rules ?? RULES).map((rule) => ({ rule, severity: enabled(rule, settings) })).filter((r) => r.severity !== undefined) as {
    rule: Rule;
    severity: Severity;
  }[];

  const cfg = options.configIgnores;
  const ignores = cfg?.entries.length ? new ConfigIgnores(cfg.entries, options.now ?? new Date()) : undefined;
  const relPaths = new Map<string, string | undefined>();
  const relativePath = (uri: string) => {
    if (!relPaths.has(uri)) relPaths.set(uri, cfg?.relativePath ? cfg.relativePath(uri) : uri);
    return relPaths.get(uri);
  };
  const rendered = ws.rendered;
  /** Rendered findings already reported (a base seen through several overlays is reported once per file and range). */
  const renderedSeen = new Set<string>();
  /** Ignore annotations that suppressed something, per resource. */
  const usedAnnotations = new Map<Resource, Set<string>>();
  const ignoreUse = new Map<string, Set<IgnoreEntry>>();
  const reportOnly = options.reportOnly === true;

  let current: { rule: Rule; severity: Severity } = active[0];
  // Per-resource report cache (see ReportCache): only without renders (their remapping reads other files).
  const rules = options.rules ?? RULES;
  const caching = options.reuseReports === true && !rendered;
  /** The reports of the running per-resource rule, captured for the cache (undefined: not capturing). */
  let capture: Report[] | undefined;
  const scratch: Report[] = [];
  /** The resource being checked, and whether what its rules reported can be replayed. */
  let capturedOn: Resource | undefined;
  let replayable = true;
  const ctx: RuleContext = {
    settings,
    workspace: ws,
    memo: options.memo ?? new AnalysisMemo(),
    report(r: Report) {
      if (capture) {
        // Only reports on the checked resource itself, placed by its own text, can be replayed elsewhere.
        if (r.resource !== capturedOn || r.file) replayable = false;
        capture.push(r);
      }
      // A patch fragment (incomplete workload object) gets its one `incomplete-resource` note, not the workload rules' findings.
      if (r.resource && current.rule.family !== 'yaml' && current.rule.family !== 'config' && incompleteReason(r.resource, ws)) return;
      let finding = toFinding(current.rule, current.severity, r, reportOnly);
      if (!finding) return;
      if (rendered?.isRendered(finding.uri)) {
        finding = rendered.remap(finding);
        const { start, end } = finding.range;
        const key = `${finding.rule}\0${finding.uri}\0${start.line}:${start.character}-${end.line}:${end.character}`;
        if (renderedSeen.has(key)) return;
        renderedSeen.add(key);
      }
      // (A rendered finding's path placed it above; a report prints no paths.)
      if (reportOnly && finding.path) finding.path = undefined;
      const res = r.resource;
      // The container name matters only to ignores: most resources have none (and most scans no config).
      const container = res && (ignores || res.hasIgnoreAnnotations) ? containerOf(res, r.path) : undefined;
      const byAnnotation = res && annotationIgnore(res, finding.rule, container);
      if (byAnnotation) {
        let used = usedAnnotations.get(res);
        if (!used) usedAnnotations.set(res, (used = new Set()));
        used.add(byAnnotation.key);
        if (!options.includeSuppressed) return;
        finding.suppressed = { by: 'annotation', reason: byAnnotation.reason };
      } else if (ignores && finding.rule !== 'unused-ignore') {
        const m = ignores.match({ rule: finding.rule, resource: res, container, file: relativePath(finding.uri) });
        if (m) {
          let use = ignoreUse.get(finding.uri);
          if (!use) ignoreUse.set(finding.uri, (use = new Set()));
          use.add(m.entry);
        }
        if (m?.expired) finding.message += ` (the ignore in the configuration file expired on ${m.entry.expires})`;
        else if (m) {
          if (!options.includeSuppressed) return;
          finding.suppressed = { by: 'config', reason: m.entry.reason };
        }
      }
      let list = findings.get(finding.uri);
      // Files outside `uris` are not reported; rendered findings land on files that are not themselves analysed.
      if (!list && (!wanted || wanted.has(finding.uri))) findings.set(finding.uri, (list = []));
      list?.push(finding);
    },
  };

  // `where` is built only when a rule fails: this loop runs rules × resources times.
  const run = (entry: { rule: Rule; severity: Severity }, where: () => string, fn: () => void) => {
    if (failed.has(entry.rule)) return;
    current = entry;
    try {
      fn();
    } catch (e) {
      failed.add(entry.rule);
      options.onRuleError?.(entry.rule, e, where());
    }
  };

  const notAnalysed = active.find((a) => a.rule.id === 'not-analysed');
  let cancelled = false;
  const limit = options.fileTimeLimitMs;
  const timedOut = new Map<string, number>();
  for (const file of files) {
    if (options.isCancelled?.()) {
      cancelled = true;
      break;
    }
    if (file.skipped) {
      // Not analysed: that is the one finding (never a silent pass).
      if (notAnalysed) run(notAnalysed, () => file.uri, () => notAnalysed.rule.checkFile!(file, ctx));
      continue;
    }
    const started = limit !== undefined ? performance.now() : 0;
    const resources = file.resources;
    // Every rule over a block of resources, block after block: a file of thousands of resources is not
    // walked once per rule (what the rules read of a resource stays in the CPU caches between rules).
    // Each rule still sees the resources in file order, so findings come out the same.
    blocks: for (let from = 0; from === 0 || from < resources.length; from += RESOURCE_BLOCK) {
      const to = Math.min(resources.length, from + RESOURCE_BLOCK);
      const fresh: (ReportCache | undefined)[] = [];
      const building: (Report[] | undefined)[][] = [];
      const unreplayable = new Set<number>();
      /** Per resource of the block: whether it holds a pod spec (the pod-spec rules skip the others). */
      const hasPodSpec: boolean[] = [];
      // Without the report cache, a rule runs over its candidates only (in file order): the resources of
      // the block holding a pod spec, or of its kinds; the checks in the loop below still apply.
      const podIndices: number[] = [];
      const byKind = caching ? undefined : new Map<unknown, number[]>();
      for (let i = from; i < to; i++) {
        const res = resources[i];
        const has = podTemplates(res).length > 0;
        hasPodSpec.push(has);
        if (!byKind) continue;
        if (has) podIndices.push(i);
        const list = byKind.get(res.kind);
        if (list) list.push(i);
        else byKind.set(res.kind, [i]);
      }
      for (let i = from; i < to; i++) {
        const c = caching ? (resources[i].reportCache as ReportCache | undefined) : undefined;
        fresh.push(c && c.facts === ws.facts && c.settings === settings && c.rules === rules ? c : undefined);
      }
      for (let a = 0; a < active.length; a++) {
        const entry = active[a];
        const kinds = entry.rule.kinds;
        const podSpecsOnly = entry.rule.podSpecsOnly === true;
        if (limit !== undefined && performance.now() - started > limit) {
          timedOut.set(file.uri, Math.round((performance.now() - started) * 10) / 10);
          break blocks;
        }
        const rule = entry.rule;
        if (from === 0 && rule.checkFile) run(entry, () => file.uri, () => rule.checkFile!(file, ctx));
        if (!rule.checkResource || failed.has(rule)) continue;
        // Inlined `run`: no closures in this rules × resources loop.
        current = entry;
        const candidates = byKind && (kinds ? ofKinds(byKind, kinds) : podSpecsOnly ? podIndices : undefined);
        const count = candidates ? candidates.length : to - from;
        for (let j = 0; j < count; j++) {
          const i = candidates ? candidates[j] : from + j;
          const res = resources[i];
          const cached = fresh[i - from];
          if (cached) {
            // Same text, same facts: what the rule reported last time, reported again (suppression, ranges
            // and fixes are worked out now, from the resource as it is in this file).
            const reports = cached.reports[a];
            if (reports) for (const r of reports) ctx.report({ ...r, resource: res });
            continue;
          }
          if ((kinds && !kinds.has(res.kind)) || (podSpecsOnly && !hasPodSpec[i - from])) {
            // Not a kind the rule checks: it reports nothing (kept as such for the cache).
            if (caching) (building[i - from] ??= [])[a] = undefined;
            continue;
          }
          capturedOn = res;
          replayable = true;
          if (caching) {
            scratch.length = 0;
            capture = scratch;
          }
          try {
            rule.checkResource(res, ctx);
          } catch (e) {
            failed.add(rule);
            options.onRuleError?.(rule, e, `${file.uri} ${res.display}`);
            capture = undefined;
            break;
          }
          capture = undefined;
          if (!replayable) unreplayable.add(i);
          if (caching) (building[i - from] ??= [])[a] = scratch.length ? scratch.slice() : undefined;
        }
      }
      // Keep the block's reports for the next analysis when every rule ran on every resource of it.
      if (caching && !failed.size)
        for (let i = from; i < to; i++) {
          const reports = building[i - from];
          if (reports && !unreplayable.has(i)) resources[i].reportCache = { facts: ws.facts, settings, rules, reports } satisfies ReportCache;
        }
    }
  }
  if (notAnalysed)
    for (const file of files) {
      const ms = timedOut.get(file.uri);
      if (ms !== undefined)
        run(notAnalysed, () => file.uri, () => ctx.report(notAnalysedReport(file, `the analysis stopped after ${ms} ms, over the time limit of ${limit} ms${options.fileTimeLimitSetting ? ` (${options.fileTimeLimitSetting})` : ''}`, true)));
    }
  if (!cancelled)
    for (const entry of active) if (entry.rule.checkWorkspace) run(entry, () => 'workspace', () => entry.rule.checkWorkspace!(ctx));

  const unused = active.find((a) => a.rule.id === 'unused-ignore');
  if (!cancelled && unused) {
    const live = new Set(active.filter((a) => !failed.has(a.rule)).map((a) => a.rule.id));
    // Stale annotations: the rule ran and found nothing to suppress on that resource (container).
    for (const file of files)
      for (const res of file.resources) {
        if (!res.hasIgnoreAnnotations) continue;
        for (const [key, value] of Object.entries(res.annotations)) {
          const k = parseIgnoreKey(key);
          if (!k || typeof value !== 'string' || value.trim() === '' || !live.has(k.rule)) continue;
          if (usedAnnotations.get(res)?.has(key)) continue;
          const what = k.container !== undefined ? `container ${k.container} of ${res.display}` : res.display;
          run(unused, () => `${file.uri} ${res.display}`, () =>
            ctx.report({ resource: res, path: ['metadata', 'annotations', key], message: `Unused ignore: ${k.rule} finds nothing on ${what}; remove the stale ${IGNORE_PREFIX}${k.rule}${k.container !== undefined ? '.' + k.container : ''} annotation.` }),
          );
        }
      }
    // Config entries that matched no finding, when the whole workspace was analysed.
    if (ignores && cfg && (!wanted || wanted.has(cfg.uri))) {
      const list = findings.get(cfg.uri) ?? [];
      findings.set(cfg.uri, list);
      list.push(...unusedConfigIgnores(cfg.uri, cfg.entries, ignores.used, settings, live));
    }
  }

  // By position, then rule id (`localeCompare`, through the ids' ranks: the sort compares each pair many times).
  const ranks = ranksOf(rules);
  const compareFindings = (a: Finding, b: Finding): number => {
    const d = a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
    if (d !== 0 || a.rule === b.rule) return d;
    const ra = ranks.get(a.rule);
    const rb = ranks.get(b.rule);
    return ra !== undefined && rb !== undefined ? ra - rb : a.rule.localeCompare(b.rule);
  };
  for (const list of findings.values()) list.sort(compareFindings);
  return { findings, cancelled, ignoreUse, timedOut };
}

/**
 * What the per-resource rules reported on a resource (per active rule, in order), and what that was
 * computed from: the workspace's facts (WorkspaceIndex.facts: what rules read of other resources), the
 * settings and the rule list. The resource's own text: a re-parse hands the cache to the new Resource
 * only when its document's text is unchanged (model.ts `loadSourceFile`). Replayed on the new Resource,
 * a report's range is worked out from its path again; its explicit ranges, related locations and fixes
 * (computed on the former Resource) stay right because the facts include every resource's first line and
 * every file's line count and last line: while they are unchanged, no line of an unchanged document moved.
 */
interface ReportCache {
  facts: object;
  settings: EngineSettings;
  rules: readonly Rule[];
  /** Per active rule (by index): its reports, undefined when none. */
  reports: (Report[] | undefined)[];
}

/**
 * Resources per block of the rules × resources loop (see analyze). Blocks keep what the rules read of a
 * resource close in time; each block also costs a pass over the rules, and a rule run over many resources in a
 * row is compiled sooner. Measured on the 10,000-resource file (whole-process scans, interleaved medians of 11):
 * 32 → 1001 ms, 256 → 966, 512 → 965, 1024 → 956; one block per file (each rule over the whole file) is slower
 * again. Warm, in-process, 1024 is no slower than 32.
 */
const RESOURCE_BLOCK = 1024;

const NO_INDICES: readonly number[] = [];

/** The indices (ascending) of the block's resources of one of `kinds`, from the block's indices by kind. */
function ofKinds(byKind: Map<unknown, number[]>, kinds: ReadonlySet<string>): readonly number[] {
  let out: number[] | undefined;
  let merged = false;
  for (const [kind, list] of byKind) {
    if (!kinds.has(kind as string)) continue;
    if (!out) out = list;
    else {
      out = merged ? (out.push(...list), out) : [...out, ...list];
      merged = true;
    }
  }
  if (merged) out!.sort((a, b) => a - b);
  return out ?? NO_INDICES;
}

/** Per rule list: each rule id's place in the ids sorted by `localeCompare` (equal ids in that order share it). */
const ruleRanks = new WeakMap<readonly Rule[], Map<string, number>>();

/**
 * Ids `localeCompare` orders as their UTF-16 code units: lower-case letters, digits and hyphens (the root
 * collation puts `-` before digits before letters, and a prefix first). The registry's ids all are, so that a
 * scan does not load the collator (milliseconds) at all; test/unit/analyze-order.test.ts checks it.
 */
const PLAIN_ID = /^[a-z0-9-]*$/;

function ranksOf(rules: readonly Rule[]): Map<string, number> {
  let ranks = ruleRanks.get(rules);
  if (!ranks) {
    ranks = new Map();
    const unique = [...new Set(rules.map((r) => r.id))];
    const compare = unique.every((id) => PLAIN_ID.test(id)) ? (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0) : (a: string, b: string) => a.localeCompare(b);
    const ids = unique.sort(compare);
    let rank = 0;
    for (let k = 0; k < ids.length; k++) {
      if (k > 0 && compare(ids[k - 1], ids[k]) !== 0) rank++;
      ranks.set(ids[k], rank);
    }
    ruleRanks.set(rules, ranks);
  }
  return ranks;
}

function toFinding(rule: Rule, severity: Severity, r: Report, reportOnly: boolean): Finding | undefined {
  let uri: string;
  let range;
  if (r.resource) {
    uri = r.resource.file.uri;
    range = r.range ?? r.resource.range(r.path ?? []);
  } else if (r.file && r.range) {
    uri = r.file.uri;
    range = r.range;
  } else return undefined;
  const f: Finding = { rule: rule.id, severity: r.severity ?? severity, message: r.message, uri, range };
  if (r.resource) f.resource = r.resource;
  if (r.resource && r.path) f.path = r.path;
  if (r.pss) f.pss = r.pss;
  if (r.related) f.related = r.related;
  if (reportOnly) return f;
  const res = r.resource;
  if (res && rule.id !== 'ignore-without-reason' && rule.id !== 'unused-ignore') {
    // Every finding on a resource can be ignored by annotation, after the rule's own fixes.
    const own = r.fixes;
    f.fixes = (opts) => {
      const fixes = own ? own(opts) : [];
      if (opts?.fixAllOnly) return fixes;
      const ignore = suppressFix(res, rule.id);
      return ignore ? [...fixes, ignore] : fixes;
    };
  } else if (r.fixes) f.fixes = r.fixes;
  return f;
}

export type { Finding } from './rules/types';
export { Resource };
