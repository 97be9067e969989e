import { definePssRule } from './define';
import { setTo } from './fixes';

export default definePssRule({
  id: 'host-namespaces',
  check: 'hostNamespaces',
  level: 'baseline',
  title: 'Host namespaces shared',
  docs: {
    summary: 'The pod sets `hostNetwork`, `hostPID` or `hostIPC` to true.',
    why: 'Sharing the node\'s network namespace exposes every host interface and loopback service (kubelet, metadata endpoints) and bypasses NetworkPolicy; sharing PID or IPC lets the pod see and signal host processes and read their memory.',
    insecure: 'spec:\n  hostNetwork: true\n  hostPID: true',
    hardened: 'spec:\n  hostNetwork: false\n  hostPID: false',
  },
  fix: setTo('Set to false', false),
});
