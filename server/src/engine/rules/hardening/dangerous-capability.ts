import { removeItem } from '../../fix/edits';
import { isObject } from '../../model';
import { defineRule } from '../types';
import { CIS, securityContextOf, workloadContainers, containerWhere } from './util';

/** What an attacker in the container can do with each capability. */
export const DANGEROUS_CAPABILITIES: Record<string, string> = {
  ALL: 'every Linux capability at once: nearly everything a privileged container can do, including mounting file systems, loading kernel modules and escaping to the node',
  SYS_ADMIN: 'the catch-all administration capability: mount file systems, create namespaces, use the cgroup release_agent and other well-known tricks to escape to the node',
  NET_ADMIN: 'reconfigure interfaces, routes and iptables rules: redirect or intercept traffic and undo network restrictions applied inside the pod (and on the node with hostNetwork)',
  SYS_MODULE: 'load kernel modules: run arbitrary code in the node\'s kernel',
  SYS_PTRACE: 'trace any process it can see: read its memory and secrets and inject code (host processes too with hostPID)',
  DAC_READ_SEARCH: 'bypass read permission checks and open files by handle (open_by_handle_at), the "shocker" escape that reads arbitrary node files',
  DAC_OVERRIDE: 'bypass file read, write and execute permission checks on every file it can reach, including mounted volumes',
  NET_RAW: 'craft raw packets: spoof ARP/DNS answers to other pods on the node and intercept their traffic',
  BPF: 'load eBPF programs: read kernel memory and trace every process on the node',
  PERFMON: 'use perf events and BPF tracing: observe every process on the node and leak kernel addresses',
  SYS_RAWIO: 'raw I/O port and device access (/dev/mem, disks): read and write node memory and disks directly',
  SYS_BOOT: 'reboot the node or load a new kernel with kexec',
  SYS_TIME: 'set the node\'s clock, which is not namespaced: break certificate and token expiry and log timelines for every pod',
  MAC_ADMIN: 'change the AppArmor/SELinux/Smack policy that is meant to confine the container',
  MAC_OVERRIDE: 'override mandatory access control (AppArmor/SELinux) restrictions',
  SYSLOG: 'read and clear the kernel log, which leaks kernel addresses (defeating KASLR) and hides traces',
  SETFCAP: 'set file capabilities on executables, granting capabilities to any program it runs',
};

/** `cap_sys_admin`, `CAP_SYS_ADMIN`, `sys_admin` → `SYS_ADMIN` (runtimes are case-insensitive and add the prefix). */
export function normalizeCapability(cap: string): string {
  const up = cap.trim().toUpperCase();
  return up.startsWith('CAP_') ? up.slice(4) : up;
}

export default defineRule({
  id: 'dangerous-capability',
  family: 'hardening',
  title: 'Dangerous capability added',
  defaultSeverity: 'warning',
  fix: 'always',
  docs: {
    summary:
      'A container adds a Linux capability that is a known escalation or escape path: `ALL`, `SYS_ADMIN`, `NET_ADMIN`, `SYS_MODULE`, `SYS_PTRACE`, `DAC_READ_SEARCH`, `DAC_OVERRIDE`, `NET_RAW`, `BPF`, `PERFMON`, `SYS_RAWIO`, `SYS_BOOT`, `SYS_TIME`, `MAC_ADMIN`, `MAC_OVERRIDE`, `SYSLOG`, `SETFCAP` (also spelled with a `CAP_` prefix or in lower case). Reported whatever the Pod Security Standards level, each with what an attacker can do with it.',
    why:
      'Capabilities split root\'s powers; these are the ones that give a compromised container power over the node or its neighbours (kernel modules, mounts, tracing, raw network access, access-control bypass). Pod Security Standards baseline allows some of them (`NET_RAW`, `DAC_OVERRIDE`, `SETFCAP` are in the runtime\'s default set) and namespaces at `privileged` allow all, so this rule reports them everywhere. Drop `ALL` and add back only what the application needs; find a design that does not need the rest (e.g. a CNI plugin instead of `NET_ADMIN` in an init container). The quick fix removes the capability and is not part of "fix all", since the application may rely on it.',
    insecure: 'securityContext:\n  capabilities:\n    add: ["SYS_ADMIN", "NET_ADMIN"]',
    hardened: 'securityContext:\n  capabilities:\n    drop: ["ALL"]\n    add: ["NET_BIND_SERVICE"]',
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container',
      'https://man7.org/linux/man-pages/man7/capabilities.7.html',
      CIS,
    ],
  },
  podSpecsOnly: true,
  checkResource(res, ctx) {
    for (const c of workloadContainers(res)) {
      const caps = securityContextOf(c)?.capabilities;
      if (!isObject(caps) || !Array.isArray(caps.add)) continue;
      const addPath = [...c.full, 'securityContext', 'capabilities', 'add'];
      caps.add.forEach((raw: unknown, index: number) => {
        if (typeof raw !== 'string') return;
        const cap = normalizeCapability(raw);
        const why = DANGEROUS_CAPABILITIES[cap];
        if (!why) return;
        ctx.report({
          resource: res,
          path: [...addPath, index],
          message: `${containerWhere(res, c)} adds capability ${raw}: ${why}.`,
          fixes: () => {
            const edit = removeItem(res, addPath, index);
            return edit ? [{ title: `Remove capability ${raw} from ${containerWhere(res, c)}`, edits: [edit], preferred: true }] : [];
          },
        });
      });
    }
  },
});
