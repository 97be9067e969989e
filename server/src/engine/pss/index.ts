/**
 * Pod Security Standards evaluation — a TypeScript port of the check registry and checks of
 * k8s.io/pod-security-admission (policy package, reference commit 8f84a87c7f61). Plain data in, plain data out.
 *
 * Semantics follow upstream check by check and version by version (ids, levels, MinimumVersions,
 * OverrideCheckIDs, ForbiddenReason/ForbiddenDetail strings, evaluation order). Deliberate, documented
 * differences, all about turning untrusted YAML-parsed data into what the API server would decode:
 *  - a field of the wrong type counts as not set (the API server would reject the whole object);
 *  - null elements of struct lists are zero structs (as Go decodes them); other non-objects are skipped;
 *  - unquoted YAML 1.1 booleans (yes/no/on/off/y/n) are resolved by the YAML layer as kubectl does
 *    (a quoted "yes" stays a string, i.e. not set); numbers in string fields are stringified;
 *  - a volume with no source at all is allowed by restrictedVolumes: the API server defaults it to
 *    emptyDir before admission, so upstream's "unknown" volume type is unreachable for real requests.
 * Locations (PssLocation) are this port's addition; upstream reports only reason/detail. So is
 * `baselineCheck` on the locations of a restricted check that overrides a baseline one: which checks
 * fire stays upstream's; the mark only says that the overridden baseline check flags that field too.
 */
import { PSS_RULE_UNITS } from './checks';
import type { PssCheckId } from './checks';
import type { CheckFn } from './helpers';
import { buildContext } from './context';
import type { PssLocation } from './context';
import { clampToKnown, older, resolveVersion } from './version';
import type { PssVersion } from './version';

export type { PssLocation } from './context';
export type { PssVersion } from './version';
export { parsePssVersion, formatPssVersion, LATEST_KNOWN_PSS_VERSION } from './version';

export type PssLevel = 'privileged' | 'baseline' | 'restricted';

export type { PssCheckId } from './checks';

export interface PssViolation {
  check: PssCheckId;
  /** The level the check belongs to. */
  level: 'baseline' | 'restricted';
  /** Upstream ForbiddenReason. */
  reason: string;
  /** Upstream ForbiddenDetail. */
  detail: string;
  /** At least one; one per offending field/container. */
  locations: PssLocation[];
}

export interface PssCheckOverride {
  /** The baseline check replaced by this restricted check at the restricted level. */
  id: PssCheckId;
  /** First version at which the override applies. */
  since: string;
}

export interface PssCheckInfo {
  id: PssCheckId;
  level: 'baseline' | 'restricted';
  /** One-line title. */
  title: string;
  /** Versions where this check's behaviour starts or changes, oldest first (e.g. ["v1.0", "v1.19"]). */
  minVersions: string[];
  /** Kubernetes Pod Security Standards documentation. */
  docsUrl: string;
  /** Baseline checks this restricted check overrides (replaces) at the restricted level. */
  overrides?: PssCheckOverride[];
}

interface VersionedCheck {
  minor: number; // MinimumVersion is always v1.<minor>
  fn: CheckFn;
  overrides?: PssCheckId[];
}

interface CheckDef {
  id: PssCheckId;
  level: 'baseline' | 'restricted';
  title: string;
  versions: VersionedCheck[];
}

const DOCS = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/';

/** The checks, from the rule units that define them. */
const DEFS: CheckDef[] = PSS_RULE_UNITS.map(({ level, check }): CheckDef => ({
  id: check.id,
  level,
  title: check.title,
  versions: check.versions.map((v) => ({ minor: v.minor, fn: v.fn, ...(v.overrides ? { overrides: v.overrides as PssCheckId[] } : {}) })),
}));

/** Upstream order: baseline ids sorted, then restricted ids sorted (Go string order). */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0; // ids are ASCII
}
const ORDERED: CheckDef[] = [
  ...DEFS.filter((d) => d.level === 'baseline').sort((a, b) => byteOrder(a.id, b.id)),
  ...DEFS.filter((d) => d.level === 'restricted').sort((a, b) => byteOrder(a.id, b.id)),
];

export const PSS_CHECKS: readonly PssCheckInfo[] = Object.freeze(
  ORDERED.map((d): PssCheckInfo => {
    const info: PssCheckInfo = {
      id: d.id,
      level: d.level,
      title: d.title,
      minVersions: d.versions.map((v) => `v1.${v.minor}`),
      docsUrl: DOCS + '#' + d.level,
    };
    const overrides: PssCheckOverride[] = [];
    for (const v of d.versions) {
      for (const id of v.overrides ?? []) {
        if (!overrides.some((o) => o.id === id)) overrides.push({ id, since: `v1.${v.minor}` });
      }
    }
    if (overrides.length > 0) info.overrides = overrides;
    return Object.freeze(info);
  }),
);

/** The versioned check in effect at v1.<minor>, if the check exists at that version. */
function activeAt(def: CheckDef, minor: number): VersionedCheck | undefined {
  let found: VersionedCheck | undefined;
  for (const v of def.versions) {
    if (v.minor <= minor) found = v;
  }
  return found;
}

interface ActiveCheck {
  def: CheckDef;
  check: VersionedCheck;
  /** For a restricted check that overrides baseline checks: those checks as they are at this version. */
  overridden?: { def: CheckDef; check: VersionedCheck }[];
}

/** checksFor results by level and clamped version (the list is the same for every pod). */
const checksCache = new Map<string, ActiveCheck[]>();

/** Check functions to run for a level/version, in upstream order, honouring overrides. */
function checksFor(level: 'baseline' | 'restricted', version: PssVersion): readonly ActiveCheck[] {
  // Every pod of a namespace asks with the same version object: the last answer per level, while its fields are the same.
  const last = level === 'baseline' ? lastBaseline : lastRestricted;
  if (last && version && last.version === version && last.major === version.major && last.minor === version.minor && last.latest === version.latest) return last.list;
  const list = checksForVersion(level, version);
  const entry = { version, major: version?.major, minor: version?.minor, latest: version?.latest, list };
  if (level === 'baseline') lastBaseline = entry;
  else lastRestricted = entry;
  return list;
}

interface LastChecks {
  version: PssVersion;
  major: unknown;
  minor: unknown;
  latest: unknown;
  list: readonly ActiveCheck[];
}
let lastBaseline: LastChecks | undefined;
let lastRestricted: LastChecks | undefined;

function checksForVersion(level: 'baseline' | 'restricted', version: PssVersion): readonly ActiveCheck[] {
  const v = clampToKnown(resolveVersion(version));
  const key = `${level} ${v.major} ${v.minor}`;
  let list = checksCache.get(key);
  if (!list) checksCache.set(key, (list = computeChecksFor(level, v)));
  return list;
}

function computeChecksFor(level: 'baseline' | 'restricted', v: { major: number; minor: number }): ActiveCheck[] {
  // Versions before v1.0 (or other majors older than 1) have no registered checks upstream.
  if (older(v, { major: 1, minor: 0 })) return [];
  const minor = v.minor; // clamped, so major is 1 here
  const active: ActiveCheck[] = [];
  for (const def of ORDERED) {
    if (level === 'baseline' && def.level !== 'baseline') continue;
    const check = activeAt(def, minor);
    if (check) active.push({ def, check });
  }
  if (level === 'baseline') return active;
  const overridden = new Set<PssCheckId>();
  for (const { def, check } of active) {
    if (def.level === 'restricted') for (const id of check.overrides ?? []) overridden.add(id);
  }
  return active
    .filter(({ def }) => !(def.level === 'baseline' && overridden.has(def.id)))
    .map((a) => {
      if (!a.check.overrides) return a;
      const baseline = a.check.overrides.flatMap((id) => {
        const def = DEFS.find((d) => d.id === id)!;
        const check = activeAt(def, minor);
        return check ? [{ def, check }] : [];
      });
      return baseline.length > 0 ? { ...a, overridden: baseline } : a;
    });
}

/** The ids of the checks that evaluatePss would run for a level and version, in evaluation order. */
export function pssChecksFor(level: PssLevel, version: PssVersion): PssCheckId[] {
  if (level !== 'baseline' && level !== 'restricted') return [];
  return checksFor(level, version).map(({ def }) => def.id);
}

/**
 * Evaluate a pod-like object ({metadata, spec}: a Pod, or a workload's pod template) against a
 * Pod Security Standards level and version. Never throws; wrong-typed fields count as not set.
 * Violations are returned in upstream order (baseline checks by id, then restricted checks by id).
 */
export function evaluatePss(pod: { metadata?: any; spec?: any }, level: PssLevel, version: PssVersion): PssViolation[] {
  return evaluatePssAll(pod, [{ level, version }])[0];
}

/**
 * `evaluatePss` for several level/version pairs of one pod (e.g. a namespace's enforce and warn modes):
 * the pod is decoded once, and a check function shared by several versions runs once.
 */
export function evaluatePssAll(pod: { metadata?: any; spec?: any }, requests: readonly { level: PssLevel; version: PssVersion }[]): PssViolation[][] {
  const out: PssViolation[][] = requests.map(() => []);
  if (!requests.some((r) => r.level === 'baseline' || r.level === 'restricted')) return out; // privileged (or unknown): nothing
  let ctx;
  try {
    ctx = buildContext(pod);
  } catch {
    return out;
  }
  // Results by check function (a few dozen at most: a linear search beats a Map per pod), when several requests share them.
  const memo: CheckResults | undefined = requests.length > 1 ? { fns: [], results: [] } : undefined;
  for (let i = 0; i < requests.length; i++) {
    const { level, version } = requests[i];
    if (level !== 'baseline' && level !== 'restricted') continue;
    const list = out[i];
    for (const active of checksFor(level, version)) {
      let v = resultOf(active.def, active.check, ctx, memo);
      if (v && active.overridden) v = markBaseline(v, active.overridden, ctx, memo);
      if (v) list.push(v);
    }
  }
  return out;
}

/** The results of a pod's check functions, by function (see evaluatePssAll). */
interface CheckResults {
  fns: CheckFn[];
  results: (PssViolation | null)[];
}

/** A check's violation on the pod; with `memo`, run once per pod whatever the number of requests that run it. */
function resultOf(def: CheckDef, check: VersionedCheck, ctx: ReturnType<typeof buildContext>, memo: CheckResults | undefined): PssViolation | null {
  if (!memo) return runCheck(def, check, ctx);
  const at = memo.fns.indexOf(check.fn);
  if (at >= 0) return memo.results[at];
  const v = runCheck(def, check, ctx);
  memo.fns.push(check.fn);
  memo.results.push(v);
  return v;
}

/**
 * The locations of an overriding restricted check's violation that the overridden baseline check (at the
 * same version) flags too, marked with that check: e.g. a hostPath volume under restrictedVolumes, an
 * added SYS_ADMIN under capabilities_restricted, an explicit Unconfined under seccompProfile_restricted.
 * Returns a copy when it marks anything (violations are shared between the requests of a pod). The baseline
 * check runs once per pod when several requests share it (`memo`).
 */
function markBaseline(
  v: PssViolation,
  overridden: readonly { def: CheckDef; check: VersionedCheck }[],
  ctx: ReturnType<typeof buildContext>,
  memo: CheckResults | undefined,
): PssViolation {
  let locations = v.locations;
  for (const { def, check } of overridden) {
    // (A check function's result for the pod, shared with the requests that run it: locations are never mutated.)
    const b = resultOf(def, check, ctx, memo);
    if (!b) continue;
    const flagged = new Set(b.locations.map((l) => pathKey(l.path)));
    locations = locations.map((l) => (!l.baselineCheck && flagged.has(pathKey(l.path)) ? { ...l, baselineCheck: def.id } : l));
  }
  return locations.some((l, i) => l !== v.locations[i]) ? { ...v, locations } : v;
}

function pathKey(path: readonly (string | number)[]): string {
  return path.join('\u0000');
}

function runCheck(def: CheckDef, check: VersionedCheck, ctx: ReturnType<typeof buildContext>): PssViolation | null {
  let res;
  try {
    res = check.fn(ctx);
  } catch {
    return null; // defensive: never let malformed input escape as an exception
  }
  if (!res) return null;
  const locations = res.locations.length > 0 ? res.locations : [{ path: ['spec'], message: res.detail || res.reason }];
  return { check: def.id, level: def.level, reason: res.reason || 'unknown forbidden reason', detail: res.detail, locations };
}

/**
 * Upstream AggregateCheckResult.ForbiddenDetail(): "reason (detail), reason (detail)".
 * Useful to render a single admission-style message.
 */
export function formatPssViolations(violations: readonly PssViolation[]): string {
  return violations.map((v) => (v.detail ? `${v.reason} (${v.detail})` : v.reason)).join(', ');
}
