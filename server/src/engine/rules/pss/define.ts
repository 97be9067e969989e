/** A Pod Security Standards rule unit (`spec.ts`) made a rule: one rule per official check id. */
import { Resource } from '../../model';
import { Fix, RuleDocs, Rule, RuleContext, defineRule } from '../types';
import type { PssRuleSpec } from './spec';
import { PSS_CHECKS, PssCheckId } from '../../pss';
import { modeSeverity, PssMode, pssResults, PssResult } from './evaluate';
import { registerCheck, ruleForCheck } from './by-check';
import { hardenToRestricted } from './harden';
import { podPath } from '../../workloads';

const PSS_DOCS = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/';

/**
 * "Harden to restricted" re-parses the workload's document after each edit:
 * past this size (far above any real workload: thousands of containers) it
 * is not offered, so a code action request stays fast; each finding keeps
 * its own fix.
 */
const HARDEN_MAX_DOCUMENT_CHARS = 64 * 1024;
/** Every finding of a workload offers the same "Harden" fix: computed once per parse. */
const hardened = new WeakMap<Resource, Fix | null>();

function hardenFix(res: Resource): Fix | undefined {
  let fix = hardened.get(res);
  if (fix === undefined) {
    fix = (res.doc.end - res.doc.start <= HARDEN_MAX_DOCUMENT_CHARS && hardenToRestricted(res)) || null;
    hardened.set(res, fix);
  }
  return fix ?? undefined;
}

/**
 * Severity follows the lowest level a field violates. At the restricted level Pod Security Admission
 * runs four restricted checks instead of the baseline checks they override; a field such a restricted
 * check names that the baseline check forbids too (`PssLocation.baselineCheck`) is reported by the
 * baseline check's rule, with its severity and its on/off setting, and `pss.check` the check PSA names.
 * `overriddenBy(check)`: the restricted checks whose fields a baseline check's rule may so report.
 */
function overriddenBy(check: PssCheckId): PssCheckId[] {
  return PSS_CHECKS.filter((c) => c.overrides?.some((o) => o.id === check)).map((c) => c.id);
}

/**
 * The docs paragraph on that hand-over, for both rules of an overriding pair (read when the docs are
 * rendered, once every rule has registered its check).
 */
function levelsNote(spec: PssRuleSpec<PssCheckId>): string | undefined {
  const code = (s: string) => `\`${s}\``;
  const ruleOf = (check: string) => code(ruleForCheck(check)?.ruleId ?? check);
  const over = overriddenBy(spec.check.id);
  if (over.length > 0) {
    return (
      `At the restricted level Pod Security Admission checks these fields with ${over.map((c) => `${code(c)} (${ruleOf(c)})`).join(', ')} instead of ${code(spec.check.id)}; ` +
      `what ${code(spec.check.id)} forbids is still reported by this rule, with this rule's severity (and not at all when it is off), its \`pss.check\` being the check Pod Security Admission names.`
    );
  }
  const overrides = PSS_CHECKS.find((c) => c.id === spec.check.id)?.overrides;
  if (overrides) {
    const baseline = overrides.map((o) => `${code(o.id)} (${ruleOf(o.id)})`).join(', ');
    return (
      `This check replaces the baseline check ${baseline} at the restricted level. A field that the baseline check forbids too is reported by its rule, ` +
      `with that rule's severity (error by default), and not by this one: turning this rule off does not hide it, nor does its lower severity let it pass \`--fail-on error\`.`
    );
  }
  return undefined;
}

export function definePssRule(spec: PssRuleSpec<PssCheckId>): Rule {
  registerCheck(spec.check.id, { ruleId: spec.id, fixFor: spec.fix });
  const carriedFrom = overriddenBy(spec.check.id);
  const docs: RuleDocs = { ...spec.docs, references: [PSS_DOCS, ...(spec.docs.references ?? [])] };
  Object.defineProperty(docs, 'levels', { get: () => levelsNote(spec), enumerable: true });
  return defineRule({
    id: spec.id,
    family: 'pss',
    title: spec.title,
    defaultSeverity: spec.defaultSeverity ?? (spec.level === 'baseline' ? 'error' : 'warning'),
    pss: { level: spec.level, check: spec.check.id },
    fix: spec.fix ? 'always' : 'none',
    docs,
    podSpecsOnly: true,
    checkResource(res: Resource, ctx: RuleContext) {
      for (const r of pssResults(res, ctx)) {
        const check = r.violation.check;
        if (check === spec.check.id) report(spec, res, r, ctx, false);
        else if (carriedFrom.length > 0 && carriedFrom.includes(check)) report(spec, res, r, ctx, true);
      }
    },
  });
}

/**
 * What every finding of a rule in a mode shares: the message suffix and the `pss` field (modes are shared
 * by all the workloads of a namespace, so thousands of findings share a few of these).
 */
const shared = new WeakMap<PssMode, Map<string, { suffix: string; pss: { level: string; check: string; version: string } }>>();

function sharedParts(spec: PssRuleSpec<PssCheckId>, mode: PssMode, check: PssCheckId) {
  let byRule = shared.get(mode);
  if (!byRule) shared.set(mode, (byRule = new Map()));
  const key = check === spec.check.id ? spec.id : `${spec.id} ${check}`;
  let parts = byRule.get(key);
  if (!parts) {
    const modeText = mode.mode === 'enforce' ? '' : ` (${mode.mode} mode)`;
    const what =
      check === spec.check.id
        ? `Pod Security Standards ${spec.level} check "${spec.check.id}"`
        : `Pod Security Standards ${spec.level} check "${spec.check.id}", reported by Pod Security Admission under restricted check "${check}"`;
    parts = {
      suffix: ` (${what}; ${mode.level} ${mode.version}${modeText} from ${mode.source}).`,
      pss: Object.freeze({ level: mode.level, check, version: mode.version }),
    };
    byRule.set(key, parts);
  }
  return parts;
}

/**
 * `carried`: r is a violation of a restricted check that overrides this rule's baseline check; only the
 * fields marked with this rule's check are this rule's. Otherwise r is of this rule's own check, whose
 * marked fields (if it is such a restricted check) are the baseline rule's.
 */
function report(spec: PssRuleSpec<PssCheckId>, res: Resource, r: PssResult, ctx: RuleContext, carried: boolean): void {
  const configured = ctx.settings.rules[spec.id];
  const severity = modeSeverity(r.mode.mode, configured && configured !== 'off' ? configured : spec.defaultSeverity ?? (spec.level === 'baseline' ? 'error' : 'warning'));
  const { suffix, pss } = sharedParts(spec, r.mode, r.violation.check);
  for (const loc of r.violation.locations) {
    if (carried ? loc.baselineCheck !== spec.check.id : loc.baselineCheck !== undefined) continue;
    const path = podPath(r.template, loc.path);
    ctx.report({
      resource: res,
      path,
      severity,
      message: r.where === undefined ? loc.message + suffix : loc.message + r.where + suffix,
      pss,
      fixes: (opts) => {
        const own = spec.fix ? spec.fix(res, path, !!loc.missing) : [];
        if (opts?.fixAllOnly) return own;
        const harden = hardenFix(res);
        return harden ? [...own, harden] : own;
      },
    });
  }
}
