import { pssRule } from './spec';
import type { PodContext, PssLocation } from '../../pss/context';
import { fail, volumes, volumeSourceSet, CheckOutcome } from '../../pss/helpers';
import { joinQuote, pluralize } from '../../pss/util';

export default pssRule({
  id: 'host-path-volumes',
  level: 'baseline',
  title: 'hostPath volume',
  check: {
    id: 'hostPathVolumes',
    title: 'HostPath volumes are forbidden',
    versions: [{ minor: 0, fn: hostPathVolumes_1_0 }],
  },
  docs: {
    summary: 'The pod mounts a directory of the node with a `hostPath` volume.',
    why: 'A hostPath mount gives the container the node\'s files: container runtime sockets, kubelet credentials, other pods\' data. Writable mounts of `/`, `/etc` or `/var/run/docker.sock` are direct routes to node takeover. Use emptyDir, ConfigMap/Secret or a PersistentVolumeClaim.',
    insecure: 'volumes:\n- name: docker\n  hostPath:\n    path: /var/run/docker.sock',
    hardened: 'volumes:\n- name: scratch\n  emptyDir: {}',
  },
});

// The check, ported from Pod Security Admission check_hostPathVolumes.go: v1.0.

function hostPathVolumes_1_0(ctx: PodContext): CheckOutcome | undefined {
  const bad: string[] = [];
  const locs: PssLocation[] = [];
  for (const { v, index, name } of volumes(ctx)) {
    if (volumeSourceSet(v, 'hostPath')) {
      bad.push(name);
      locs.push({ path: ['spec', 'volumes', index, 'hostPath'], message: `volume "${name}" uses hostPath` });
    }
  }
  if (bad.length === 0) return undefined;
  return fail('hostPath volumes', `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)}`, locs);
}
