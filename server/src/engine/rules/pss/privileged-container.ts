import { replaceScalar } from '../../fix/edits';
import { pssRule } from './spec';
import type { PodContext, PssLocation } from '../../pss/context';
import { containersPhrase, fail, SC, CheckOutcome } from '../../pss/helpers';
import { bool, get } from '../../pss/util';

export default pssRule({
  id: 'privileged-container',
  level: 'baseline',
  title: 'Privileged container',
  check: {
    id: 'privileged',
    title: 'Containers must not be privileged',
    versions: [{ minor: 0, fn: privileged_1_0 }],
  },
  docs: {
    summary: 'A container runs with `securityContext.privileged: true`.',
    why:
      'A privileged container has every capability and access to all host devices: it is root on the node in all but name, and escaping to the host is trivial (mount the host disk, load a kernel module). Pod Security Standards forbid it from the baseline level up.',
    insecure: 'containers:\n- name: app\n  image: nginx:1.27\n  securityContext:\n    privileged: true',
    hardened: 'containers:\n- name: app\n  image: nginx:1.27\n  securityContext:\n    privileged: false',
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/'],
  },
  fix(res, path) {
    const edit = replaceScalar(res, path, 'false');
    return edit ? [{ title: 'Set privileged: false', edits: [edit], fixAll: true, preferred: true }] : [];
  },
});

// The check, ported from Pod Security Admission check_privileged.go: v1.0.

function privileged_1_0(ctx: PodContext): CheckOutcome | undefined {
  const bad: string[] = [];
  const locs: PssLocation[] = [];
  for (const c of ctx.containers) {
    if (bool(get(c.sc, 'privileged')) === true) {
      bad.push(c.name);
      locs.push({ path: [...c.path, SC, 'privileged'], message: `${c.label} sets securityContext.privileged=true` });
    }
  }
  if (bad.length === 0) return undefined;
  return fail('privileged', `${containersPhrase(bad)} must not set securityContext.privileged=true`, locs);
}
