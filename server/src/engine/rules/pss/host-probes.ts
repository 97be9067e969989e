import { pssRule } from './spec';
import { remove } from './fixes';
import type { PodContext, PssLocation } from '../../pss/context';
import { containersPhrase, fail, CheckOutcome } from '../../pss/helpers';
import { get, joinQuote, objField, pluralize, sortedSet, str, Path } from '../../pss/util';

export default pssRule({
  id: 'host-probes',
  level: 'baseline',
  title: 'Probe or lifecycle handler with a host',
  check: {
    id: 'hostProbesAndHostLifecycle',
    title: 'Probes and lifecycle handlers must not set a host',
    versions: [{ minor: 34, fn: hostProbesAndHostLifecycle_1_34 }],
  },
  docs: {
    summary: 'A probe or lifecycle handler (httpGet/tcpSocket) sets `host` (v1.34+).',
    why: 'The kubelet runs probes from the node; a custom host turns them into requests the kubelet makes on the pod\'s behalf to any address, such as cloud metadata endpoints (server-side request forgery). Leave host unset so the pod IP is used.',
    insecure: 'livenessProbe:\n  httpGet:\n    host: 169.254.169.254\n    path: /\n    port: 80',
    hardened: 'livenessProbe:\n  httpGet:\n    path: /healthz\n    port: 8080',
  },
  fix: remove(() => 'Remove host (probe the pod itself)'),
});

// The check, ported from Pod Security Admission check_hostProbesAndHostLifecycle.go: v1.34.

const HANDLERS: readonly [parent: string | undefined, field: string][] = [
  [undefined, 'livenessProbe'], [undefined, 'readinessProbe'], [undefined, 'startupProbe'], ['lifecycle', 'postStart'], ['lifecycle', 'preStop'],
];

function hostProbesAndHostLifecycle_1_34(ctx: PodContext): CheckOutcome | undefined {
  const badContainers: string[] = [];
  const hosts: string[] = [];
  const locs: PssLocation[] = [];
  for (const c of ctx.containers) {
    const lifecycle = objField(c.c, 'lifecycle');
    // Probes, then lifecycle hooks; a handler's path is built only when it is set.
    for (let h = 0; h < HANDLERS.length; h++) {
      const [parent, field] = HANDLERS[h];
      const handler = objField(parent === undefined ? c.c : lifecycle, field);
      if (!handler) continue;
      const base: Path = parent === undefined ? [...c.path, field] : [...c.path, parent, field];
      for (const action of ['httpGet', 'tcpSocket']) {
        const host = str(get(objField(handler, action), 'host')) ?? '';
        if (host === '') continue;
        badContainers.push(c.name);
        hosts.push(host);
        const where = base.slice(3).join('.');
        locs.push({ path: [...base, action, 'host'], message: `${c.label} sets ${where}.${action}.host to "${host}"` });
      }
    }
  }
  if (badContainers.length === 0) return undefined;
  const names = sortedSet(badContainers);
  const hostList = sortedSet(hosts);
  return fail(
    'probe or lifecycle host',
    `${containersPhrase(names)} ${pluralize('uses', 'use', names.length)} ` +
      `${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', hostList.length)} ${joinQuote(hostList)}`,
    locs,
  );
}
