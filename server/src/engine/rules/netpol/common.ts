/** Shared pieces of the NetworkPolicy rules. */
import { Resource } from '../../model';
import { editSequence, setIn, YamlValue } from '../../fix/edits';
import { ProblemCode, PolicyProblem } from '../../../../../shared/netpol/types';
import type { ParsedPolicy } from '../../../../../shared/netpol/parse';
import { isK8sNetworkPolicy, NpPolicy, parsedPolicy, policyProblems } from '../../netpol/workspace';
import { Fix, FixAvailability, RelatedInfo, Rule, RuleContext, RuleDocs, defineRule } from '../types';
import { Severity } from '../../model';
import { Range } from '../../text';

export const NETPOL_DOCS = 'https://kubernetes.io/docs/concepts/services-networking/network-policies/';
export const NETPOL_API = 'https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/';

/** At most this many related locations per finding. */
const MAX_RELATED = 20;

/** The range of each policy's name (the same policy is related to many workloads). */
const nameRanges = new WeakMap<Resource, Range>();

function nameRange(res: Resource): Range {
  let r = nameRanges.get(res);
  if (!r) nameRanges.set(res, (r = res.range(['metadata', 'name'])));
  return r; // shared: findings and their related locations are never mutated
}

/** Related locations that depend only on the policy, by policy and purpose: shared by every finding that lists them. */
const perPolicy = new WeakMap<NpPolicy, Map<string, RelatedInfo>>();

/** `policyRelated` for a message that depends only on the policy (`purpose` names the message). */
export function sharedPolicyRelated(policies: readonly NpPolicy[], purpose: string, message: (p: NpPolicy) => string): RelatedInfo[] {
  return policies.slice(0, MAX_RELATED).map((p) => {
    let byPurpose = perPolicy.get(p);
    if (!byPurpose) perPolicy.set(p, (byPurpose = new Map()));
    let info = byPurpose.get(purpose);
    if (!info) byPurpose.set(purpose, (info = relatedName(p, message)));
    return info;
  });
}

export function policyRelated(policies: readonly NpPolicy[], message: (p: NpPolicy) => string): RelatedInfo[] {
  return policies.slice(0, MAX_RELATED).map((p) => relatedName(p, message));
}

/** The policy's name as a related location. */
function relatedName(p: NpPolicy, message: (p: NpPolicy) => string): RelatedInfo {
  return { uri: p.res.file.uri, range: nameRange(p.res), message: message(p) };
}

/** Apply an engine ProblemFix (set fields on a target object) as one edit. */
export function problemFix(res: Resource, p: PolicyFinding, title: string): Fix | undefined {
  if (!p.fix) return undefined;
  const { target, set } = p.fix;
  const edit = editSequence(
    res,
    Object.entries(set).map(([k, v]) => (r: Resource) => setIn(r, [...target, k], v as YamlValue)),
  );
  return edit ? { title, edits: [edit], fixAll: true, preferred: true } : undefined;
}

export function describeSet(set: Record<string, unknown>): string {
  return Object.entries(set)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`)
    .join(', ');
}

/** The kinds of a rule on NetworkPolicy objects (`Rule.kinds`). */
export const NETWORK_POLICY_KIND: ReadonlySet<string> = new Set(['NetworkPolicy']);

/** A problem of one NetworkPolicy object, as a rule reports it. */
export type PolicyFinding = Omit<PolicyProblem, 'code'>;

/**
 * A rule on single NetworkPolicy objects. What the API server rejects is found while the policy is
 * parsed (the model reads an invalid part fail-closed): such a rule names the `codes` of those problems.
 * A rule about valid policies finds its problems itself, with `detect`, on the parsed policy's facts.
 */
export interface ProblemRuleSpec {
  id: string;
  /** The parse problems this rule reports (`shared/netpol/parse.ts`). */
  codes?: ProblemCode[];
  /** Or the rule's own check, on the parsed policy. */
  detect?: (parsed: ParsedPolicy, ctx: RuleContext) => PolicyFinding[];
  title: string;
  defaultSeverity: Severity;
  /** Whether the problems these codes name carry a fix. */
  fix: FixAvailability;
  docs: RuleDocs;
  /** Extra condition (e.g. only with configured settings). */
  enabled?: (ctx: RuleContext) => boolean;
}

/** A rule reporting problems of NetworkPolicy objects: parse problems with the given codes, or its own. */
export function defineProblemRule(spec: ProblemRuleSpec): Rule {
  return defineRule({
    id: spec.id,
    family: 'netpol',
    title: spec.title,
    defaultSeverity: spec.defaultSeverity,
    fix: spec.fix,
    docs: { ...spec.docs, references: [NETPOL_DOCS, NETPOL_API, ...(spec.docs.references ?? [])] },
    kinds: NETWORK_POLICY_KIND,
    checkResource(res, ctx) {
      if (!isK8sNetworkPolicy(res)) return;
      if (spec.enabled && !spec.enabled(ctx)) return;
      const configured = ctx.settings.rules[spec.id];
      const problems: readonly PolicyFinding[] = spec.detect
        ? spec.detect(parsedPolicy(res), ctx)
        : policyProblems(res).filter((p) => spec.codes?.includes(p.code));
      for (const p of problems) {
        // An 'error' rule reports accepted-but-suspicious constructs (e.g. host bits set) as warnings.
        const severity = !configured && p.severity === 'warning' && spec.defaultSeverity === 'error' ? 'warning' : undefined;
        ctx.report({
          resource: res,
          path: p.path,
          message: `NetworkPolicy ${res.name || '(unnamed)'}: ${p.message}.`.replace(/\.\.$/, '.'),
          ...(severity ? { severity } : {}),
          fixes: p.fix ? () => {
            const f = problemFix(res, p, `Set ${describeSet(p.fix!.set)}`);
            return f ? [f] : [];
          } : undefined,
        });
      }
    },
  });
}
