import { pssRule } from './spec';
import { remove, valueAt } from './fixes';
import type { PodContext, PssLocation } from '../../pss/context';
import { containersPhrase, fail, SC, CheckOutcome } from '../../pss/helpers';
import { get, joinQuote, objField, sortedSet, stringList } from '../../pss/util';

export default pssRule({
  id: 'capabilities-baseline',
  level: 'baseline',
  title: 'Capability beyond the default set',
  check: {
    id: 'capabilities_baseline',
    title: 'Containers must not add capabilities beyond the default set',
    versions: [{ minor: 0, fn: capabilitiesBaseline_1_0 }],
  },
  docs: {
    summary: 'A container adds a Linux capability outside the runtime\'s default set (e.g. NET_ADMIN, SYS_ADMIN).',
    why: 'Capabilities such as SYS_ADMIN, NET_ADMIN, SYS_PTRACE or SYS_MODULE grant kernel-level powers (mounting file systems, changing routes and firewall rules, tracing other processes, loading modules) that turn a container compromise into a node compromise.',
    insecure: 'securityContext:\n  capabilities:\n    add: ["NET_ADMIN", "SYS_ADMIN"]',
    hardened: 'securityContext:\n  capabilities:\n    drop: ["ALL"]',
  },
  fix: remove((res, path) => `Remove capability ${String(valueAt(res, path))}`),
});

// The check, ported from Pod Security Admission check_capabilities_baseline.go: v1.0.

const CAPABILITIES_ALLOWED_1_0 = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID',
  'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

function capabilitiesBaseline_1_0(ctx: PodContext): CheckOutcome | undefined {
  const bad: string[] = [];
  const caps: string[] = [];
  const locs: PssLocation[] = [];
  for (const c of ctx.containers) {
    const capObj = objField(c.sc, 'capabilities');
    if (!capObj) continue;
    let valid = true;
    for (const { value, index } of stringList(get(capObj, 'add'))) {
      if (!CAPABILITIES_ALLOWED_1_0.has(value)) {
        valid = false;
        caps.push(value);
        locs.push({
          path: [...c.path, SC, 'capabilities', 'add', index],
          message: `${c.label} adds non-default capability "${value}"`,
        });
      }
    }
    if (!valid) bad.push(c.name);
  }
  if (bad.length === 0) return undefined;
  return fail(
    'non-default capabilities',
    `${containersPhrase(bad)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`,
    locs,
  );
}
