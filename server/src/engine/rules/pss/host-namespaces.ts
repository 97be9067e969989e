import { pssRule } from './spec';
import { setTo } from './fixes';
import type { PodContext, PssLocation } from '../../pss/context';
import { fail, CheckOutcome } from '../../pss/helpers';
import { bool, get } from '../../pss/util';

export default pssRule({
  id: 'host-namespaces',
  level: 'baseline',
  title: 'Host namespaces shared',
  check: {
    id: 'hostNamespaces',
    title: 'Pods must not share the host network, PID or IPC namespaces',
    versions: [{ minor: 0, fn: hostNamespaces_1_0 }],
  },
  docs: {
    summary: 'The pod sets `hostNetwork`, `hostPID` or `hostIPC` to true.',
    why: 'Sharing the node\'s network namespace exposes every host interface and loopback service (kubelet, metadata endpoints) and bypasses NetworkPolicy; sharing PID or IPC lets the pod see and signal host processes and read their memory.',
    insecure: 'spec:\n  hostNetwork: true\n  hostPID: true',
    hardened: 'spec:\n  hostNetwork: false\n  hostPID: false',
  },
  fix: setTo('Set to false', false),
});

// The check, ported from Pod Security Admission check_hostNamespaces.go: v1.0.

function hostNamespaces_1_0(ctx: PodContext): CheckOutcome | undefined {
  const found: string[] = [];
  const locs: PssLocation[] = [];
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (bool(get(ctx.spec, f)) === true) {
      found.push(`${f}=true`);
      locs.push({ path: ['spec', f], message: `pod sets ${f}=true` });
    }
  }
  if (found.length === 0) return undefined;
  return fail('host namespaces', found.join(', '), locs);
}
