import { definePssRule } from './define';
import { remove, valueAt } from './fixes';

export default definePssRule({
  id: 'capabilities-baseline',
  check: 'capabilities_baseline',
  level: 'baseline',
  title: 'Capability beyond the default set',
  docs: {
    summary: 'A container adds a Linux capability outside the runtime\'s default set (e.g. NET_ADMIN, SYS_ADMIN).',
    why: 'Capabilities such as SYS_ADMIN, NET_ADMIN, SYS_PTRACE or SYS_MODULE grant kernel-level powers (mounting file systems, changing routes and firewall rules, tracing other processes, loading modules) that turn a container compromise into a node compromise.',
    insecure: 'securityContext:\n  capabilities:\n    add: ["NET_ADMIN", "SYS_ADMIN"]',
    hardened: 'securityContext:\n  capabilities:\n    drop: ["ALL"]',
  },
  fix: remove((res, path) => `Remove capability ${String(valueAt(res, path))}`),
});
