import { pssRule } from './spec';
import { setTo } from './fixes';
import type { PodContext, PssLocation } from '../../pss/context';
import { containersPhrase, fail, SC, CheckOutcome } from '../../pss/helpers';
import { get, joinQuote, sortedSet, str } from '../../pss/util';

export default pssRule({
  id: 'proc-mount',
  level: 'baseline',
  title: 'Unmasked /proc',
  check: {
    id: 'procMount',
    title: 'Containers must use the Default /proc mount type (unless in a user namespace, v1.35+)',
    versions: [{ minor: 0, fn: procMount_1_0 }, { minor: 35, fn: procMount_1_35_baseline }],
  },
  docs: {
    summary: 'A container sets `procMount: Unmasked`.',
    why: 'The default /proc mount masks kernel interfaces (/proc/kcore, /proc/sysrq-trigger…) that leak host memory or let a process act on the node.',
    insecure: 'securityContext:\n  procMount: Unmasked',
    hardened: 'securityContext:\n  procMount: Default',
  },
  fix: setTo('Set procMount: Default', 'Default'),
});

// The check, ported from Pod Security Admission check_procMount.go (baseline): v1.0; pods in a user namespace exempt from v1.35.

export function procMount_1_0(ctx: PodContext): CheckOutcome | undefined {
  const bad: string[] = [];
  const types: string[] = [];
  const locs: PssLocation[] = [];
  for (const c of ctx.containers) {
    const pm = str(get(c.sc, 'procMount'));
    if (pm === undefined || pm === 'Default') continue;
    bad.push(c.name);
    types.push(pm);
    locs.push({ path: [...c.path, SC, 'procMount'], message: `${c.label} sets securityContext.procMount to "${pm}"` });
  }
  if (bad.length === 0) return undefined;
  return fail(
    'procMount',
    `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}`,
    locs,
  );
}

function procMount_1_35_baseline(ctx: PodContext): CheckOutcome | undefined {
  return ctx.userNamespace ? undefined : procMount_1_0(ctx);
}
