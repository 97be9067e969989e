import { pssRule } from './spec';
import { setTo } from './fixes';
import type { ContainerRef, PodContext } from '../../pss/context';
import { containersPhrase, explicitProfileType, fail, implicitLocations, SC, validSeccompType, CheckOutcome } from '../../pss/helpers';
import { joinQuote, sortedSet } from '../../pss/util';

export default pssRule({
  id: 'seccomp-profile-missing',
  level: 'restricted',
  title: 'Seccomp profile not set',
  check: {
    id: 'seccompProfile_restricted',
    title: 'Seccomp profile must be set to RuntimeDefault or Localhost',
    versions: [
      { minor: 19, fn: seccompProfileRestricted_1_19, overrides: ['seccompProfile_baseline'] },
      { minor: 25, fn: seccompProfileRestricted_1_25, overrides: ['seccompProfile_baseline'] },
    ],
  },
  docs: {
    summary: 'Neither the pod nor the container sets `seccompProfile.type` to RuntimeDefault or Localhost.',
    why: 'Without a profile, many runtimes run containers Unconfined. The restricted level requires an explicit RuntimeDefault (or a Localhost profile) so system calls outside the runtime\'s allow-list are blocked.',
    insecure: 'spec:\n  containers:\n  - name: app\n    image: app:1.0',
    hardened: 'spec:\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n  containers:\n  - name: app\n    image: app:1.0',
  },
  fix: (res, path) => {
    const target = path[path.length - 1] === 'type' ? path : [...path, 'type'];
    return setTo('Set seccompProfile.type: RuntimeDefault', 'RuntimeDefault')(res, target);
  },
});

// The check, ported from Pod Security Admission check_seccompProfile_restricted.go: v1.19; Windows pods exempt from v1.25.

function seccompProfileRestricted_1_19(ctx: PodContext): CheckOutcome | undefined {
  const r = explicitProfileType(ctx, 'seccompProfile', validSeccompType, 'seccomp profile');
  const implicit: ContainerRef[] = [];
  if (r.podSet !== 'valid') {
    ctx.containers.forEach((c, i) => {
      if (!r.containerSet[i]) implicit.push(c);
    });
  }
  const requirement = 'securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"';
  const implicitLocs = r.podSet === 'unset'
    ? implicitLocations(ctx, implicit, r.containerSet.some((x) => x), true, ['spec', SC, 'seccompProfile'], 'seccompProfile', requirement)
    : [];
  if (r.badSetters.length > 0) {
    return fail(
      'seccompProfile',
      `${r.badSetters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(r.badValues))}`,
      [...r.locs, ...implicitLocs],
    );
  }
  if (implicit.length > 0) {
    return fail(
      'seccompProfile',
      `pod or ${containersPhrase(implicit.map((c) => c.name))} must set ${requirement}`,
      implicitLocs,
    );
  }
  return undefined;
}

function seccompProfileRestricted_1_25(ctx: PodContext): CheckOutcome | undefined {
  return ctx.windows ? undefined : seccompProfileRestricted_1_19(ctx);
}
