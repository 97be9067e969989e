/**
 * Runs the Pod Security Standards checks once per resource and caches the
 * result for all the PSS rules, at the level/version that applies to the
 * resource's namespace.
 */
import { Resource, Severity } from '../../model';
import { podTemplate } from '../../workloads';
import { RuleContext } from '../types';
import { evaluatePss, parsePssVersion, PssLevel, PssViolation } from '../../pss';

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
}

const SOURCE_TEXT = { default: 'the default', settings: 'settings', 'command line': 'command-line flags', 'config file': '.k8s-guardrails.yaml' } as const;
const LEVELS: readonly string[] = ['privileged', 'baseline', 'restricted'];
const PSA = 'pod-security.kubernetes.io/';

/** The PSS modes that apply to a resource: from its Namespace's labels, else settings. */
export function pssModes(res: Resource, ctx: RuleContext): PssMode[] {
  const s = ctx.settings.pss;
  const fallback: PssMode[] = [{ mode: 'enforce', level: s.level, version: s.version, source: SOURCE_TEXT[s.source] }];
  if (s.override || !res.namespace) return fallback;
  const ns = ctx.workspace.namespace(res.namespace);
  if (!ns) return fallback;
  const labels = ns.labels;
  if (!Object.keys(labels).some((k) => k.startsWith(PSA))) return fallback;
  const where = `Namespace ${ns.name} (${ns.file.uri.split('/').pop()}:${ns.range(['metadata', 'labels']).start.line + 1})`;
  const modes: PssMode[] = [];
  for (const mode of ['enforce', 'warn', 'audit'] as const) {
    const raw = labels[PSA + mode];
    // Unset or invalid enforce level: the API server falls back to its default (privileged).
    const level = (typeof raw === 'string' && LEVELS.includes(raw) ? raw : 'privileged') as PssLevel;
    const v = labels[`${PSA}${mode}-version`];
    const version = typeof v === 'string' && parsePssVersion(v) ? v : 'latest';
    modes.push({ mode, level, version, source: where });
  }
  return modes;
}

const cache = new WeakMap<Resource, PssResult[]>();

export function pssResults(res: Resource, ctx: RuleContext): PssResult[] {
  let results = cache.get(res);
  if (results) return results;
  results = [];
  const tpl = podTemplate(res);
  if (tpl) {
    const pod = { metadata: tpl.metadata, spec: tpl.spec };
    const seen = new Set<string>();
    for (const mode of pssModes(res, ctx)) {
      if (mode.level === 'privileged') continue;
      const version = parsePssVersion(mode.version) ?? parsePssVersion('latest')!;
      for (const violation of evaluatePss(pod, mode.level, version)) {
        // Report each check once, in the strictest mode that flags it.
        if (seen.has(violation.check)) continue;
        seen.add(violation.check);
        results.push({ mode, violation, templatePath: tpl.path });
      }
    }
  }
  cache.set(res, results);
  return results;
}

export function modeSeverity(mode: PssMode['mode'], configured: Severity): Severity {
  if (mode === 'enforce') return configured;
  return mode === 'warn' ? 'warning' : 'info';
}
