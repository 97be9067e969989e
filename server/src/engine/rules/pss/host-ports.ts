import { pssRule } from './spec';
import { remove } from './fixes';
import type { PodContext, PssLocation } from '../../pss/context';
import { containersPhrase, fail, CheckOutcome } from '../../pss/helpers';
import { get, int, pluralize, sortedSet, structList } from '../../pss/util';

export default pssRule({
  id: 'host-ports',
  level: 'baseline',
  title: 'hostPort used',
  check: {
    id: 'hostPorts',
    title: 'Containers must not use host ports',
    versions: [{ minor: 0, fn: hostPorts_1_0 }],
  },
  docs: {
    summary: 'A container port is bound on the node with `hostPort`.',
    why: 'hostPort exposes the container on the node\'s IP outside of Services and NetworkPolicy-aware paths, limits scheduling, and can collide with node services. Expose pods through a Service instead.',
    insecure: 'ports:\n- containerPort: 8080\n  hostPort: 8080',
    hardened: 'ports:\n- containerPort: 8080',
  },
  fix: remove(() => 'Remove hostPort'),
});

// The check, ported from Pod Security Admission check_hostPorts.go: v1.0.

function hostPorts_1_0(ctx: PodContext): CheckOutcome | undefined {
  const bad: string[] = [];
  const ports: string[] = [];
  const locs: PssLocation[] = [];
  for (const c of ctx.containers) {
    let valid = true;
    for (const { item, index } of structList(get(c.c, 'ports'))) {
      const hp = int(get(item, 'hostPort'));
      if (hp !== undefined && hp !== 0) {
        valid = false;
        ports.push(String(hp));
        locs.push({ path: [...c.path, 'ports', index, 'hostPort'], message: `${c.label} uses hostPort ${hp}` });
      }
    }
    if (!valid) bad.push(c.name);
  }
  if (bad.length === 0) return undefined;
  const list = sortedSet(ports);
  return fail(
    'hostPort',
    `${containersPhrase(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', list.length)} ${list.join(', ')}`,
    locs,
  );
}
