/**
 * Runs the Pod Security Standards checks once per pod spec of a resource and
 * caches the result for all the PSS rules, at the level/version that applies
 * to the resource's namespace.
 */
import { Resource, Severity } from '../../model';
import { podSpecWhere, podTemplates, PodTemplate } from '../../workloads';
import { RuleContext } from '../types';
import type { RenderedSources } from '../../rendered';
import { evaluatePssAll, parsePssVersion, PSS_CHECKS, PssLevel, PssVersion, PssViolation } from '../../pss';

export interface PssMode {
  mode: 'enforce' | 'warn' | 'audit';
  level: PssLevel;
  version: string;
  /** Human text: what chose this level. */
  source: string;
}

export interface PssResult {
  mode: PssMode;
  violation: PssViolation;
  /** Path prefix of the pod template inside the resource. */
  templatePath: readonly (string | number)[];
  /** The pod template evaluated (a resource of another kind may embed several): `podPath(template, location.path)` is where a location is. */
  template: PodTemplate;
  /** ` in pod spec <path> of <Kind> <name>` for a pod spec embedded in a kind that is not a built-in workload. */
  where?: string;
}

const SOURCE_TEXT = { default: 'the default', settings: 'settings', 'command line': 'command-line flags', 'config file': '.k8s-guardrails.yaml' } as const;
const LEVELS: readonly string[] = ['privileged', 'baseline', 'restricted'];
const PSA = 'pod-security.kubernetes.io/';

const RANK: Record<string, number> = { privileged: 0, baseline: 1, restricted: 2 };

/** `Namespace shop (ns.yaml:4)`, once per Namespace object (every workload in it asks). */
const wheres = new WeakMap<Resource, string>();

function namespaceWhere(ns: Resource, rendered: RenderedSources | undefined): string {
  let w = wheres.get(ns);
  if (w === undefined) wheres.set(ns, (w = `Namespace ${ns.name} (${renderedWhere(ns, rendered) ?? `${ns.file.uri.split('/').pop()}:${ns.range(['metadata', 'labels']).start.line + 1}`})`));
  return w;
}

/**
 * A Kustomize-rendered Namespace: the file and line that wrote its Pod Security labels (a kustomization's
 * `labels`, a patch, the base file), never the rendered text; the folder too when it is a kustomization file.
 */
function renderedWhere(ns: Resource, rendered: RenderedSources | undefined): string | undefined {
  if (!rendered?.isRendered(ns.file.uri)) return undefined;
  const key = ['enforce', 'warn', 'audit', 'enforce-version', 'warn-version', 'audit-version'].map((k) => PSA + k).find((k) => k in ns.labels);
  const src = rendered.sourceOf(ns, key ? ['metadata', 'labels', key] : ['metadata', 'labels']);
  if (!src) return undefined;
  const parts = src.uri.split('/');
  const name = /^kustomization\.ya?ml$|^Kustomization$/.test(parts[parts.length - 1]) && parts.length > 1 ? parts.slice(-2).join('/') : parts[parts.length - 1];
  return `${name}:${src.range.start.line + 1}`;
}

/** The modes of a namespace, with what evaluating a pod in them needs (shared by all its workloads). */
interface ModeSet {
  /** The settings key they were computed for. */
  key: string;
  modes: readonly PssMode[];
  /** Mode, level and version of each mode: the key of an evaluation. */
  evaluationKey: string;
  requests: { level: PssLevel; version: PssVersion }[];
}

const NO_NAMESPACE = {};
/** By Namespace object (NO_NAMESPACE for none): every workload of a namespace gets the same modes. */
const modeSets = new WeakMap<object, ModeSet>();

function modeSet(ns: Resource | undefined, ctx: RuleContext, key: string): ModeSet {
  const holder = ns ?? NO_NAMESPACE;
  let set = modeSets.get(holder);
  if (!set || set.key !== key) {
    const modes = Object.freeze(computeModes(ns, ctx.settings.pss, ctx.workspace.rendered));
    set = {
      key,
      modes,
      evaluationKey: modes.map((m) => `${m.mode} ${m.level} ${m.version}`).join('|'),
      requests: modes.map((m) => ({ level: m.level, version: pssVersion(m.version) })),
    };
    modeSets.set(holder, set);
  }
  return set;
}

/**
 * The PSS modes that apply to the resources of a namespace (`ns`, when the workspace defines it), as Pod Security Admission's
 * `PolicyToEvaluate` decides them from its Namespace's labels. The defaults
 * (what the cluster applies to unlabelled namespaces) are the settings for
 * `enforce` and privileged for `warn`/`audit`. An invalid enforce level means
 * restricted, an invalid warn/audit level privileged, an invalid version
 * latest; `warn` follows a stricter explicit `enforce` unless set itself.
 */
function computeModes(ns: Resource | undefined, s: RuleContext['settings']['pss'], rendered?: RenderedSources): PssMode[] {
  const defaultSource = SOURCE_TEXT[s.source];
  const enforce: PssMode = { mode: 'enforce', level: s.level, version: s.version, source: defaultSource };
  if (!ns) return [enforce];
  const labels = ns.labels as Record<string, unknown>;
  if (!Object.keys(labels).some((k) => k.startsWith(PSA))) return [enforce];
  const where = namespaceWhere(ns, rendered);
  const warn: PssMode = { mode: 'warn', level: 'privileged', version: 'latest', source: defaultSource };
  const audit: PssMode = { mode: 'audit', level: 'privileged', version: 'latest', source: defaultSource };
  const has = (k: string) => Object.prototype.hasOwnProperty.call(labels, PSA + k);
  const level = (k: string, invalid: PssLevel): [PssLevel, boolean] => {
    const v = labels[PSA + k];
    return typeof v === 'string' && LEVELS.includes(v) ? [v as PssLevel, true] : [invalid, false];
  };
  const version = (k: string): string => {
    const v = labels[PSA + k];
    return typeof v === 'string' && parsePssVersion(v) ? v : 'latest';
  };
  let hasEnforceLevel = false;
  for (const [mode, invalid] of [[enforce, 'restricted'], [audit, 'privileged'], [warn, 'privileged']] as const) {
    if (has(mode.mode)) {
      const [l, valid] = level(mode.mode, invalid);
      mode.level = l;
      mode.source = where;
      if (mode === enforce) hasEnforceLevel = valid;
    }
    if (has(`${mode.mode}-version`)) {
      mode.version = version(`${mode.mode}-version`);
      mode.source = where;
    }
  }
  if (!has('warn') && hasEnforceLevel && RANK[enforce.level] > RANK[warn.level]) {
    warn.level = enforce.level;
    if (!has('warn-version')) warn.version = enforce.version;
    warn.source = where;
  }
  return [enforce, warn, audit];
}

/**
 * The Namespace whose labels set the modes of namespace `name`. Defined more than once
 * (`duplicate-resource`), the cluster keeps whichever was applied last, which a manifest cannot tell: the
 * definition with the strictest enforce level counts, so that no finding is hidden (ties: the first in path order).
 */
function governingNamespace(name: string, ctx: Pick<RuleContext, 'workspace' | 'settings'>): Resource | undefined {
  const defs = ctx.workspace.namespaces(name);
  if (defs.length < 2) return defs[0];
  let best = defs[0];
  let rank = -1;
  for (const d of defs) {
    const r = RANK[computeModes(d, ctx.settings.pss)[0].level];
    if (r > rank) [best, rank] = [d, r];
  }
  return best;
}

/** Parsed policy versions by text (evaluation only reads them). */
const versions = new Map<string, PssVersion>();

function pssVersion(text: string): PssVersion {
  let v = versions.get(text);
  if (!v) {
    v = parsePssVersion(text) ?? parsePssVersion('latest')!;
    if (versions.size < 1000) versions.set(text, v);
  }
  return v;
}

/**
 * Per resource: valid while the PSS settings and the Namespace object that
 * governs the resource stay the same (the only inputs besides the resource
 * itself), so an edit elsewhere in the workspace does not re-evaluate it.
 */
interface Memo {
  key: string;
  ns: Resource | undefined;
  results: PssResult[];
  /** The workspace and its version the governing Namespace was looked up in (while the same, the 19 PSS rules skip the look-up). */
  workspace: object;
  version: number;
}

/** The last settings key, so that the 19 PSS rules × every resource do not each build it. */
let lastKey: { pss: RuleContext['settings']['pss']; level: string; pssVersion: string; source: string; override: unknown; key: string } | undefined;

function settingsKey(ctx: RuleContext): string {
  const s = ctx.settings.pss;
  const k = lastKey;
  if (k && k.pss === s && k.level === s.level && k.pssVersion === s.version && k.source === s.source && k.override === s.override) return k.key;
  const key = `${s.level}|${s.version}|${s.source}|${s.override}`;
  lastKey = { pss: s, level: s.level, pssVersion: s.version, source: s.source, override: s.override, key };
  return key;
}

export function pssResults(res: Resource, ctx: RuleContext): PssResult[] {
  const key = settingsKey(ctx);
  const ws = ctx.workspace;
  const hit = res.pssMemo as Memo | undefined;
  // Same settings and workspace version: same governing Namespace (ws.namespaces changes only with the version).
  if (hit && hit.key === key && hit.workspace === ws && hit.version === ws.version) return hit.results;
  // What the modes are read from in the workspace: the Namespace object.
  const ns = ctx.settings.pss.override || !res.namespace ? undefined : governingNamespace(res.namespace, ctx);
  if (hit && hit.key === key && hit.ns === ns) {
    hit.workspace = ws;
    hit.version = ws.version;
    return hit.results;
  }
  const results: PssResult[] = [];
  const tpls = podTemplates(res);
  if (tpls.length) {
    const set = modeSet(ns, ctx, key);
    for (const tpl of tpls) {
      const where = podSpecWhere(res, tpl);
      for (const r of evaluation(tpl, set)) {
        const result: PssResult = { mode: set.modes[r.mode], violation: r.violation, templatePath: tpl.path, template: tpl };
        if (where !== undefined) result.where = where;
        results.push(result);
      }
    }
  }
  res.pssMemo = { key, ns, results, workspace: ws, version: ws.version } satisfies Memo;
  return results;
}

interface Evaluation {
  /** Mode, level and version of each mode evaluated. */
  modesKey: string;
  results: { mode: number; violation: PssViolation }[];
}

/**
 * Evaluations by pod template (its `pssEvaluation`), which an unchanged document keeps across
 * re-parses of its file (`podTemplates` caches them by the parsed object; the
 * Resource is new each time): an edit re-evaluates only the documents it
 * changed. They hold no positions.
 */
function evaluation(tpl: PodTemplate, set: ModeSet): Evaluation['results'] {
  const modesKey = set.evaluationKey;
  // Kept on the template object (`pssEvaluation`): a property, where a WeakMap entry per template costs more.
  const hit = tpl.pssEvaluation as Evaluation | undefined;
  if (hit && hit.modesKey === modesKey) return hit.results;
  const results: Evaluation['results'] = [];
  const pod = { metadata: tpl.metadata, spec: tpl.spec };
  const seen: string[] = [];
  const baselineFields = new Set<string>();
  const all = evaluatePssAll(pod, set.requests);
  for (let i = 0; i < all.length; i++) {
    for (const violation of all[i]) {
      // Report each check once, in the first mode (enforce, warn, audit) that flags it.
      if (seen.includes(violation.check)) continue;
      seen.push(violation.check);
      // And each field of an overriding pair once (one mode runs the baseline check or the restricted one, never both).
      const kept = set.requests.length > 1 ? withoutReportedBaselineFields(violation, baselineFields) : violation;
      if (kept) results.push({ mode: i, violation: kept });
    }
  }
  tpl.pssEvaluation = { modesKey, results } satisfies Evaluation;
  return results;
}

/** The baseline check a restricted check overrides (e.g. restrictedVolumes → hostPathVolumes), by id. */
const OVERRIDDEN = new Map<string, string>(PSS_CHECKS.flatMap((c) => (c.overrides ? [[c.id, c.overrides[0].id] as const] : [])));

/**
 * A field that fails a baseline check is reported by that check's rule, also when a restricted check that
 * overrides it names it (see `PssLocation.baselineCheck`), and once per field across the modes of an
 * overriding pair, in the first mode that flags it: a hostPath volume flagged by hostPathVolumes in a
 * baseline enforce mode is not reported again in a restricted warn mode, where restrictedVolumes names it.
 * `fields` holds `baseline-check path` of what is reported.
 */
function withoutReportedBaselineFields(v: PssViolation, fields: Set<string>): PssViolation | undefined {
  let dropped = false;
  const added: string[] = [];
  const pair = v.level === 'baseline' ? v.check : OVERRIDDEN.get(v.check);
  if (pair === undefined) return v;
  const locations = v.locations.filter((l) => {
    const check = l.baselineCheck ?? pair;
    const key = `${check} ${l.path.join('\u0000')}`;
    if (fields.has(key)) {
      dropped = true;
      return false;
    }
    added.push(key);
    return true;
  });
  for (const key of added) fields.add(key);
  if (!dropped) return v;
  return locations.length > 0 ? { ...v, locations } : undefined;
}

export function modeSeverity(mode: PssMode['mode'], configured: Severity): Severity {
  if (mode === 'enforce') return configured;
  return mode === 'warn' ? 'warning' : 'info';
}

/**
 * The Pod Security Admission modes (enforce, and warn/audit when its Namespace sets labels) that apply to the
 * resource, as the PSS rules evaluate them: for rules that defer to a PSS check at some level.
 */
export function pssModesOf(res: Resource, ctx: RuleContext): readonly PssMode[] {
  const ns = ctx.settings.pss.override || !res.namespace ? undefined : governingNamespace(res.namespace, ctx);
  return modeSet(ns, ctx, settingsKey(ctx)).modes;
}

/**
 * The Pod Security modes in force for the workloads of namespace `name` (undefined: a cluster-scoped
 * object, or no namespace), as the PSS rules evaluate them, and the Namespace object that set the
 * enforce mode (undefined: it comes from the settings, the config file or the default). For the editor's
 * status item (server/src/lsp/file-status.ts).
 */
export function pssModesForNamespace(name: string | undefined, workspace: RuleContext['workspace'], settings: RuleContext['settings']): { modes: PssMode[]; namespace: Resource | undefined } {
  const ctx = { settings, workspace };
  const ns = settings.pss.override || name === undefined ? undefined : governingNamespace(name, ctx);
  const modes = computeModes(ns, settings.pss, workspace.rendered);
  // a Namespace with only warn/audit labels leaves enforce to the settings
  const fromNamespace = ns !== undefined && modes[0].source !== SOURCE_TEXT[settings.pss.source];
  return { modes, namespace: fromNamespace ? ns : undefined };
}
