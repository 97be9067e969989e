import { definePssRule } from './define';

export default definePssRule({
  id: 'host-path-volumes',
  check: 'hostPathVolumes',
  level: 'baseline',
  title: 'hostPath volume',
  docs: {
    summary: 'The pod mounts a directory of the node with a `hostPath` volume.',
    why: 'A hostPath mount gives the container the node\'s files: container runtime sockets, kubelet credentials, other pods\' data. Writable mounts of `/`, `/etc` or `/var/run/docker.sock` are direct routes to node takeover. Use emptyDir, ConfigMap/Secret or a PersistentVolumeClaim.',
    insecure: 'volumes:\n- name: docker\n  hostPath:\n    path: /var/run/docker.sock',
    hardened: 'volumes:\n- name: scratch\n  emptyDir: {}',
  },
});
