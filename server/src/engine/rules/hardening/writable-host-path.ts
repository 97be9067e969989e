import { setIn } from '../../fix/edits';
import { isObject } from '../../model';
import { defineRule } from '../types';
import { runtimeSocketExposure } from './runtime-socket-mount';
import { CIS, hostPathVolumes, workloads, containerWhere } from './util';

export default defineRule({
  id: 'writable-host-path',
  family: 'hardening',
  title: 'Host path mounted read-write',
  defaultSeverity: 'warning',
  fix: 'always',
  docs: {
    summary:
      'A container (or init or ephemeral container) mounts a `hostPath` volume without `readOnly: true`: any host path, not only the sensitive ones. Reported on the container\'s `volumeMounts` entry, once per mount — the place of the fix — while `host-path-volumes`, `sensitive-host-path` and `runtime-socket-mount` report the volume\'s `hostPath.path`, so no range is reported twice. Not reported: sockets (`type: Socket`, or a container runtime socket, which `runtime-socket-mount` reports: a socket stays usable through a read-only mount, so `readOnly` would be a false comfort).',
    why:
      'A writable host path lets a compromised container change the node\'s files and, through them, other pods and the node itself: plant binaries or configuration other workloads read, fill the node\'s disk, or follow symlinks out of the directory (CVE-2021-25741, CVE-2017-1002101). Pod Security Standards baseline forbids hostPath volumes altogether; where a node agent needs one, mount it read-only unless it must write, and then mount the narrowest directory it writes. The quick fix adds `readOnly: true` to the mount; it is not part of "fix all", since an agent that writes (a log shipper\'s position file, a CSI driver) fails.',
    insecure: 'containers:\n- name: agent\n  volumeMounts:\n  - name: host-data\n    mountPath: /data\nvolumes:\n- name: host-data\n  hostPath:\n    path: /srv/data',
    hardened: 'containers:\n- name: agent\n  volumeMounts:\n  - name: host-data\n    mountPath: /data\n    readOnly: true\nvolumes:\n- name: host-data\n  hostPath:\n    path: /srv/data\n    type: Directory',
    references: ['https://kubernetes.io/docs/concepts/storage/volumes/#hostpath', 'https://kubernetes.io/docs/concepts/security/pod-security-standards/', CIS],
  },
  podSpecsOnly: true,
  checkResource(res, ctx) {
    for (const w of workloads(res)) {
      const vols = hostPathVolumes(w).filter((v) => {
        const spec = w.tpl.spec.volumes[v.index];
        return spec.hostPath.type !== 'Socket' && !runtimeSocketExposure(v.path, v.raw)?.socket;
      });
      if (!vols.length) continue;
      for (const c of w.containers) {
        const mounts = c.container.volumeMounts;
        if (!Array.isArray(mounts)) continue;
        mounts.forEach((m: unknown, index: number) => {
          if (!isObject(m) || m.readOnly === true) return;
          const v = vols.find((x) => x.name === m.name);
          if (!v) return;
          const path = [...c.full, 'volumeMounts', index, 'readOnly'];
          const at = typeof m.mountPath === 'string' ? ` at ${m.mountPath}` : '';
          ctx.report({
            resource: res,
            path,
            message: `${containerWhere(res, c)} mounts hostPath volume "${v.name}" (host path ${v.raw})${at} read-write: it can change the node's files and, through them, other pods and the node; add readOnly: true unless it must write.`,
            fixes: () => {
              const edit = setIn(res, path, true);
              return edit ? [{ title: `Mount volume "${v.name}" read-only in ${containerWhere(res, c)}`, edits: [edit] }] : [];
            },
          });
        });
      }
    }
  },
});
