/**
 * What the Pod Security Standards checks share: their result type and the helpers several of them use.
 * The checks themselves, ported from k8s.io/pod-security-admission/policy/check_*.go, are written in the
 * rule that reports them (`rules/pss/<rule-id>.ts`, listed in `checks.ts`). Each check function returns
 * undefined when the pod is allowed, otherwise the upstream ForbiddenReason / ForbiddenDetail plus the
 * locations of the offending fields.
 */
import type { ContainerRef, PodContext, PssLocation } from './context';
import { get, joinQuote, objField, pluralize, str, structList, Obj, Path } from './util';

export interface CheckOutcome {
  reason: string;
  detail: string;
  locations: PssLocation[];
}

export type CheckFn = (ctx: PodContext) => CheckOutcome | undefined;

export function fail(reason: string, detail: string, locations: PssLocation[]): CheckOutcome {
  return { reason, detail, locations };
}

export function containersPhrase(names: string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

export const SC = 'securityContext';

/** The pod's volumes, with their index and name ("" when absent). */
export function volumes(ctx: PodContext): readonly { v: Obj; index: number; name: string }[] {
  // Read by hostPathVolumes and restrictedVolumes (and its baseline pass): decoded once per pod.
  return (ctx.volumes ??= structList(get(ctx.spec, 'volumes')).map(({ item, index }) => ({
    v: item,
    index,
    name: str(get(item, 'name')) ?? '',
  })));
}

export function volumeSourceSet(v: Obj, key: string): boolean {
  return objField(v, key) !== undefined;
}

/** A seccomp profile type the restricted level accepts (and the baseline level does not forbid). */
export function validSeccompType(t: string): boolean {
  return t === 'Localhost' || t === 'RuntimeDefault';
}

interface ExplicitResult {
  badSetters: string[];
  badValues: string[];
  locs: PssLocation[];
}

/** Shared by the seccomp and appArmor field checks: pod and containers that explicitly set a bad profile type. */
export function explicitProfileType(
  ctx: PodContext,
  field: 'seccompProfile' | 'appArmorProfile',
  valid: (t: string) => boolean,
  what: string,
): ExplicitResult & { podSet: 'unset' | 'valid' | 'invalid'; containerSet: boolean[] } {
  const badSetters: string[] = [];
  const badValues: string[] = [];
  const locs: PssLocation[] = [];
  let podSet: 'unset' | 'valid' | 'invalid' = 'unset';
  const podProfile = objField(ctx.podSC, field);
  if (podProfile) {
    const rawType = str(get(podProfile, 'type'));
    const t = rawType ?? '';
    if (!valid(t)) {
      podSet = 'invalid';
      badSetters.push('pod');
      badValues.push(t);
      locs.push({
        path: ['spec', SC, field, 'type'],
        ...(rawType === undefined ? { missing: true } : {}),
        message: `pod sets ${what} type to "${t}"`,
      });
    } else {
      podSet = 'valid';
    }
  }
  const badContainers: string[] = [];
  const containerSet: boolean[] = [];
  for (const c of ctx.containers) {
    const profile = objField(c.sc, field);
    containerSet.push(profile !== undefined);
    if (!profile) continue;
    const rawType = str(get(profile, 'type'));
    const t = rawType ?? '';
    if (!valid(t)) {
      badContainers.push(c.name);
      badValues.push(t);
      locs.push({
        path: [...c.path, SC, field, 'type'],
        ...(rawType === undefined ? { missing: true } : {}),
        message: `${c.label} sets ${what} type to "${t}"`,
      });
    }
  }
  if (badContainers.length > 0) badSetters.push(containersPhrase(badContainers));
  return { badSetters, badValues, locs, podSet, containerSet };
}

/**
 * Locations for containers that did not set a field that the pod level may also satisfy
 * (runAsNonRoot, seccompProfile). When the pod-level field is unset and no container sets the
 * field itself, a single pod-level location is suggested; otherwise one location per container.
 */
export function implicitLocations(
  ctx: PodContext,
  implicit: ContainerRef[],
  anyContainerSet: boolean,
  podFieldUnset: boolean,
  podPath: Path,
  containerField: string,
  requirement: string,
): PssLocation[] {
  if (implicit.length === 0) return [];
  if (podFieldUnset && !anyContainerSet) {
    return [{
      path: podPath,
      missing: true,
      message: `pod or ${containersPhrase(implicit.map((c) => c.name))} must set ${requirement}`,
    }];
  }
  return implicit.map((c) => ({
    path: [...c.path, SC, containerField],
    missing: true,
    message: `${c.label} must set ${requirement}${podFieldUnset ? ' (or set it at pod level)' : ''}`,
  }));
}
