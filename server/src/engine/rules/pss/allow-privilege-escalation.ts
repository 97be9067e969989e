import { pssRule } from './spec';
import { setTo } from './fixes';
import type { PodContext, PssLocation } from '../../pss/context';
import { containersPhrase, fail, SC, CheckOutcome } from '../../pss/helpers';
import { bool, get } from '../../pss/util';

export default pssRule({
  id: 'allow-privilege-escalation',
  level: 'restricted',
  title: 'Privilege escalation allowed',
  check: {
    id: 'allowPrivilegeEscalation',
    title: 'Containers must set allowPrivilegeEscalation=false',
    versions: [{ minor: 8, fn: allowPrivilegeEscalation_1_8 }, { minor: 25, fn: allowPrivilegeEscalation_1_25 }],
  },
  docs: {
    summary: 'A container does not set `allowPrivilegeEscalation: false`.',
    why: 'Unless it is false, setuid binaries (sudo, ping, su) and file capabilities can raise a process above its parent\'s privileges (the kernel\'s no_new_privs flag stays off).',
    insecure: 'securityContext:\n  allowPrivilegeEscalation: true',
    hardened: 'securityContext:\n  allowPrivilegeEscalation: false',
  },
  fix: setTo('Set allowPrivilegeEscalation: false', false),
});

// The check, ported from Pod Security Admission check_allowPrivilegeEscalation.go: v1.8; Windows pods exempt from v1.25.

function allowPrivilegeEscalation_1_8(ctx: PodContext): CheckOutcome | undefined {
  const bad: string[] = [];
  const locs: PssLocation[] = [];
  for (const c of ctx.containers) {
    const v = bool(get(c.sc, 'allowPrivilegeEscalation'));
    if (v === false) continue;
    bad.push(c.name);
    const path = [...c.path, SC, 'allowPrivilegeEscalation'];
    if (v === undefined) {
      locs.push({ path, missing: true, message: `${c.label} must set securityContext.allowPrivilegeEscalation=false` });
    } else {
      locs.push({ path, message: `${c.label} sets securityContext.allowPrivilegeEscalation=true` });
    }
  }
  if (bad.length === 0) return undefined;
  return fail(
    'allowPrivilegeEscalation != false',
    `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false`,
    locs,
  );
}

function allowPrivilegeEscalation_1_25(ctx: PodContext): CheckOutcome | undefined {
  return ctx.windows ? undefined : allowPrivilegeEscalation_1_8(ctx);
}
