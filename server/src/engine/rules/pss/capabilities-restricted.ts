import { definePssRule } from './define';
import { dropAll, remove, valueAt } from './fixes';

export default definePssRule({
  id: 'capabilities-restricted',
  check: 'capabilities_restricted',
  level: 'restricted',
  title: 'Capabilities not dropped',
  docs: {
    summary: 'A container does not drop ALL capabilities, or adds one other than NET_BIND_SERVICE.',
    why: 'Container runtimes grant a default set of capabilities (NET_RAW, CHOWN, SETUID, …) that most applications never use; NET_RAW alone enables ARP and DNS spoofing inside the node network. Dropping ALL and adding back only NET_BIND_SERVICE when a port below 1024 is needed removes that surface.',
    insecure: 'securityContext:\n  capabilities:\n    add: ["CHOWN"]',
    hardened: 'securityContext:\n  capabilities:\n    drop: ["ALL"]\n    add: ["NET_BIND_SERVICE"]',
  },
  fix: (res, path, missing) =>
    missing || path[path.length - 1] === 'drop' ? dropAll(res, path) : remove(() => `Remove capability ${String(valueAt(res, path))}`)(res, path),
});
