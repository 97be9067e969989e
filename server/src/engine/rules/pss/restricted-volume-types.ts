import { pssRule } from './spec';
import type { PodContext, PssLocation } from '../../pss/context';
import { fail, volumes, volumeSourceSet, CheckOutcome } from '../../pss/helpers';
import { joinQuote, pluralize, sortedSet } from '../../pss/util';

export default pssRule({
  id: 'restricted-volume-types',
  level: 'restricted',
  title: 'Volume type not allowed by restricted',
  check: {
    id: 'restrictedVolumes',
    title: 'Only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes',
    versions: [{ minor: 0, fn: restrictedVolumes_1_0, overrides: ['hostPathVolumes'] }],
  },
  docs: {
    summary: 'A volume uses a type outside the restricted allow-list (configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret).',
    why: 'Other volume types (nfs, iscsi, rbd, cephfs, hostPath, gitRepo…) mount storage the cluster admin has not mediated through a PersistentVolume, often with node-level credentials or privileged mount helpers.',
    insecure: 'volumes:\n- name: data\n  nfs:\n    server: 10.0.0.5\n    path: /exports',
    hardened: 'volumes:\n- name: data\n  persistentVolumeClaim:\n    claimName: data',
  },
});

// The check, ported from Pod Security Admission check_restrictedVolumes.go: v1.0.

const ALLOWED_VOLUME_SOURCES = [
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret',
];

/** In upstream switch order. */
const RESTRICTED_VOLUME_SOURCES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume',
  'cinder', 'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk',
  'portworxVolume', 'scaleIO', 'storageos',
];

function restrictedVolumes_1_0(ctx: PodContext): CheckOutcome | undefined {
  const bad: string[] = [];
  const badTypes: string[] = [];
  const locs: PssLocation[] = [];
  for (const { v, index, name } of volumes(ctx)) {
    if (ALLOWED_VOLUME_SOURCES.some((k) => volumeSourceSet(v, k))) continue;
    const type = RESTRICTED_VOLUME_SOURCES.find((k) => volumeSourceSet(v, k));
    if (type === undefined) {
      // No volume source at all: the API server defaults such a volume to emptyDir (SetDefaults_Volume)
      // before admission, so upstream's "unknown" branch is never reached for a real request.
      continue;
    }
    bad.push(name);
    badTypes.push(type);
    locs.push({ path: ['spec', 'volumes', index, type], message: `volume "${name}" uses restricted volume type "${type}"` });
  }
  if (bad.length === 0) return undefined;
  const types = sortedSet(badTypes);
  return fail(
    'restricted volume types',
    `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} ` +
      `${pluralize('restricted volume type', 'restricted volume types', types.length)} ${joinQuote(types)}`,
    locs,
  );
}

