/** Shared shape of the Pod Security Standards rules: one rule per official check id. */
import { Resource } from '../../model';
import { Fix, RuleDocs, Rule, RuleContext, defineRule } from '../types';
import { PssCheckId } from '../../pss';
import { modeSeverity, PssMode, pssResults, PssResult } from './evaluate';
import { registerCheck } from './by-check';
import { hardenToRestricted } from './harden';
import { Severity } from '../../model';
import { podPath } from '../../workloads';

export interface PssRuleSpec {
  id: string;
  check: PssCheckId;
  level: 'baseline' | 'restricted';
  title: string;
  defaultSeverity?: Severity;
  docs: RuleDocs;
  /** Fixes for one offending location (path relative to the resource). */
  fix?: (res: Resource, path: readonly (string | number)[], missing: boolean) => Fix[];
}

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

export function definePssRule(spec: PssRuleSpec): Rule {
  registerCheck(spec.check, { fixFor: spec.fix });
  return defineRule({
    id: spec.id,
    family: 'pss',
    title: spec.title,
    defaultSeverity: spec.defaultSeverity ?? (spec.level === 'baseline' ? 'error' : 'warning'),
    pss: { level: spec.level, check: spec.check },
    fixable: !!spec.fix,
    docs: { ...spec.docs, references: [PSS_DOCS, ...(spec.docs.references ?? [])] },
    checkResource(res: Resource, ctx: RuleContext) {
      for (const r of pssResults(res, ctx)) {
        if (r.violation.check !== spec.check) continue;
        report(spec, res, r, ctx);
      }
    },
  });
}

/**
 * What every finding of a rule in a mode shares: the message suffix and the `pss` field (modes are shared
 * by all the workloads of a namespace, so thousands of findings share a few of these).
 */
const shared = new WeakMap<PssMode, Map<string, { suffix: string; pss: { level: string; check: string; version: string } }>>();

function sharedParts(spec: PssRuleSpec, mode: PssMode) {
  let byRule = shared.get(mode);
  if (!byRule) shared.set(mode, (byRule = new Map()));
  let parts = byRule.get(spec.id);
  if (!parts) {
    const modeText = mode.mode === 'enforce' ? '' : ` (${mode.mode} mode)`;
    parts = {
      suffix: ` (Pod Security Standards ${spec.level} check "${spec.check}"; ${mode.level} ${mode.version}${modeText} from ${mode.source}).`,
      pss: Object.freeze({ level: mode.level, check: spec.check, version: mode.version }),
    };
    byRule.set(spec.id, parts);
  }
  return parts;
}

function report(spec: PssRuleSpec, res: Resource, r: PssResult, ctx: RuleContext): void {
  const configured = ctx.settings.rules[spec.id];
  const severity = modeSeverity(r.mode.mode, configured && configured !== 'off' ? configured : spec.defaultSeverity ?? (spec.level === 'baseline' ? 'error' : 'warning'));
  const { suffix, pss } = sharedParts(spec, r.mode);
  for (const loc of r.violation.locations) {
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
