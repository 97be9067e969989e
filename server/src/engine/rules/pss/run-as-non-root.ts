import { pssRule } from './spec';
import { setTo } from './fixes';
import type { ContainerRef, PodContext, PssLocation } from '../../pss/context';
import { containersPhrase, fail, implicitLocations, SC, CheckOutcome } from '../../pss/helpers';
import { bool, get } from '../../pss/util';

export default pssRule({
  id: 'run-as-non-root',
  level: 'restricted',
  title: 'May run as root',
  check: {
    id: 'runAsNonRoot',
    title: 'Containers must run as non-root (runAsNonRoot=true)',
    versions: [{ minor: 0, fn: runAsNonRoot_1_0 }, { minor: 35, fn: runAsNonRoot_1_35 }],
  },
  docs: {
    summary: '`runAsNonRoot` is not true for the pod or a container.',
    why: 'Most images default to UID 0. Root in a container is root on the node\'s kernel: with one capability or mount too many, or a kernel bug, it owns the node. runAsNonRoot makes the kubelet refuse to start a container that would run as UID 0.',
    insecure: 'securityContext: {}',
    hardened: 'securityContext:\n  runAsNonRoot: true\n  runAsUser: 10001',
  },
  fix: setTo('Set runAsNonRoot: true', true),
});

// The check, ported from Pod Security Admission check_runAsNonRoot.go: v1.0; pods in a user namespace exempt from v1.35.

function runAsNonRoot_1_0(ctx: PodContext): CheckOutcome | undefined {
  const badSetters: string[] = [];
  const locs: PssLocation[] = [];
  const podValue = bool(get(ctx.podSC, 'runAsNonRoot'));
  if (podValue === false) {
    badSetters.push('pod');
    locs.push({ path: ['spec', SC, 'runAsNonRoot'], message: 'pod sets securityContext.runAsNonRoot=false' });
  }
  const explicitlyBad: string[] = [];
  const implicit: ContainerRef[] = [];
  let anyContainerSet = false;
  for (const c of ctx.containers) {
    const v = bool(get(c.sc, 'runAsNonRoot'));
    if (v !== undefined) {
      anyContainerSet = true;
      if (!v) {
        explicitlyBad.push(c.name);
        locs.push({ path: [...c.path, SC, 'runAsNonRoot'], message: `${c.label} sets securityContext.runAsNonRoot=false` });
      }
    } else if (podValue !== true) {
      implicit.push(c);
    }
  }
  const requirement = 'securityContext.runAsNonRoot=true';
  // With pod-level runAsNonRoot=false the pod location already covers the implicit containers.
  const implicitLocs = podValue === undefined
    ? implicitLocations(ctx, implicit, anyContainerSet, true, ['spec', SC, 'runAsNonRoot'], 'runAsNonRoot', requirement)
    : [];
  if (explicitlyBad.length > 0) badSetters.push(containersPhrase(explicitlyBad));
  if (badSetters.length > 0) {
    return fail('runAsNonRoot != true', `${badSetters.join(' and ')} must not set securityContext.runAsNonRoot=false`, [
      ...locs,
      ...implicitLocs,
    ]);
  }
  if (implicit.length > 0) {
    return fail(
      'runAsNonRoot != true',
      `pod or ${containersPhrase(implicit.map((c) => c.name))} must set ${requirement}`,
      implicitLocs,
    );
  }
  return undefined;
}

function runAsNonRoot_1_35(ctx: PodContext): CheckOutcome | undefined {
  return ctx.userNamespace ? undefined : runAsNonRoot_1_0(ctx);
}
