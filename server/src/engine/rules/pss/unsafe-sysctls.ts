import { removeParentItem } from './fixes';
import { pssRule } from './spec';
import type { PodContext, PssLocation } from '../../pss/context';
import { fail, SC, CheckOutcome } from '../../pss/helpers';
import { get, str, structList } from '../../pss/util';

export default pssRule({
  id: 'unsafe-sysctls',
  level: 'baseline',
  title: 'Unsafe sysctl',
  check: {
    id: 'sysctls',
    title: 'Only safe sysctls may be set',
    versions: [
      { minor: 0, fn: sysctls_1_0 }, { minor: 27, fn: sysctls_1_27 }, { minor: 29, fn: sysctls_1_29 },
      { minor: 32, fn: sysctls_1_32 }, { minor: 37, fn: sysctls_1_37 },
    ],
  },
  docs: {
    summary: 'The pod sets a sysctl outside the safe, namespaced set allowed at its Kubernetes version.',
    why: 'Unsafe sysctls are not isolated per pod: they change the kernel behaviour of the whole node and can starve or destabilise other workloads.',
    insecure: 'securityContext:\n  sysctls:\n  - name: kernel.msgmax\n    value: "65536"',
    hardened: 'securityContext:\n  sysctls:\n  - name: net.ipv4.ip_unprivileged_port_start\n    value: "0"',
  },
  fix: removeParentItem('Remove the sysctl'),
});

// The check, ported from Pod Security Admission check_sysctls.go: the allowed set grows at v1.27, v1.29, v1.32, v1.37.

const SYSCTLS_1_0 = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
];
const SYSCTLS_1_27 = [...SYSCTLS_1_0, 'net.ipv4.ip_local_reserved_ports'];
const SYSCTLS_1_29 = [
  ...SYSCTLS_1_27,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];
const SYSCTLS_1_32 = [...SYSCTLS_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const SYSCTLS_1_37 = [...SYSCTLS_1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

const ALLOWED_1_0 = new Set(SYSCTLS_1_0);
const ALLOWED_1_27 = new Set(SYSCTLS_1_27);
const ALLOWED_1_29 = new Set(SYSCTLS_1_29);
const ALLOWED_1_32 = new Set(SYSCTLS_1_32);
const ALLOWED_1_37 = new Set(SYSCTLS_1_37);

function sysctls(ctx: PodContext, allowed: ReadonlySet<string>): CheckOutcome | undefined {
  const forbidden: string[] = [];
  const locs: PssLocation[] = [];
  for (const { item, index } of structList(get(ctx.podSC, 'sysctls'))) {
    const raw = str(get(item, 'name'));
    const name = raw ?? '';
    if (allowed.has(name)) continue;
    forbidden.push(name);
    locs.push({
      path: ['spec', SC, 'sysctls', index, 'name'],
      ...(raw === undefined ? { missing: true } : {}),
      message: `pod sets forbidden sysctl "${name}"`,
    });
  }
  if (forbidden.length === 0) return undefined;
  return fail('forbidden sysctls', forbidden.join(', '), locs);
}

function sysctls_1_0(ctx: PodContext): CheckOutcome | undefined {
  return sysctls(ctx, ALLOWED_1_0);
}
function sysctls_1_27(ctx: PodContext): CheckOutcome | undefined {
  return sysctls(ctx, ALLOWED_1_27);
}
function sysctls_1_29(ctx: PodContext): CheckOutcome | undefined {
  return sysctls(ctx, ALLOWED_1_29);
}
function sysctls_1_32(ctx: PodContext): CheckOutcome | undefined {
  return sysctls(ctx, ALLOWED_1_32);
}
function sysctls_1_37(ctx: PodContext): CheckOutcome | undefined {
  return sysctls(ctx, ALLOWED_1_37);
}
