import { pssRule } from './spec';
import { setTo } from './fixes';
import type { PodContext, PssLocation } from '../../pss/context';
import { containersPhrase, fail, SC, CheckOutcome } from '../../pss/helpers';
import { get, int } from '../../pss/util';

export default pssRule({
  id: 'run-as-user-root',
  level: 'restricted',
  title: 'runAsUser: 0',
  check: {
    id: 'runAsUser',
    title: 'Containers must not set runAsUser=0',
    versions: [{ minor: 23, fn: runAsUser_1_23 }, { minor: 35, fn: runAsUser_1_35 }],
  },
  docs: {
    summary: 'The pod or a container sets `runAsUser: 0` (root).',
    why: 'An explicit UID 0 runs the process as root regardless of the image, defeating runAsNonRoot. Pick a dedicated non-zero UID (65532 is the conventional "nonroot" user of distroless images).',
    insecure: 'securityContext:\n  runAsUser: 0',
    hardened: 'securityContext:\n  runAsUser: 65532\n  runAsNonRoot: true',
  },
  fix: setTo('Set runAsUser: 65532', 65532),
});

// The check, ported from Pod Security Admission check_runAsUser.go: v1.23; pods in a user namespace exempt from v1.35.

function runAsUser_1_23(ctx: PodContext): CheckOutcome | undefined {
  const badSetters: string[] = [];
  const locs: PssLocation[] = [];
  if (int(get(ctx.podSC, 'runAsUser')) === 0) {
    badSetters.push('pod');
    locs.push({ path: ['spec', SC, 'runAsUser'], message: 'pod sets securityContext.runAsUser=0' });
  }
  const bad: string[] = [];
  for (const c of ctx.containers) {
    if (int(get(c.sc, 'runAsUser')) === 0) {
      bad.push(c.name);
      locs.push({ path: [...c.path, SC, 'runAsUser'], message: `${c.label} sets securityContext.runAsUser=0` });
    }
  }
  if (bad.length > 0) badSetters.push(containersPhrase(bad));
  if (badSetters.length === 0) return undefined;
  return fail('runAsUser=0', `${badSetters.join(' and ')} must not set runAsUser=0`, locs);
}

function runAsUser_1_35(ctx: PodContext): CheckOutcome | undefined {
  return ctx.userNamespace ? undefined : runAsUser_1_23(ctx);
}
