import { definePssRule } from './define';

export default definePssRule({
  id: 'restricted-volume-types',
  check: 'restrictedVolumes',
  level: 'restricted',
  title: 'Volume type not allowed by restricted',
  docs: {
    summary: 'A volume uses a type outside the restricted allow-list (configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret).',
    why: 'Other volume types (nfs, iscsi, rbd, cephfs, hostPath, gitRepo…) mount storage the cluster admin has not mediated through a PersistentVolume, often with node-level credentials or privileged mount helpers.',
    insecure: 'volumes:\n- name: data\n  nfs:\n    server: 10.0.0.5\n    path: /exports',
    hardened: 'volumes:\n- name: data\n  persistentVolumeClaim:\n    claimName: data',
  },
});
