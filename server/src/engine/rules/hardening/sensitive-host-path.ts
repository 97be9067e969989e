import { defineRule } from '../types';
import { CIS, hostPathVolumes, isSameOrAncestor, mountsOf, quoteList, workloads } from './util';

/** Sensitive node directories (and everything below them), most specific first, with what they expose. */
export const SENSITIVE_HOST_PATHS: [string, string][] = [
  ['/etc/kubernetes', 'the node\'s Kubernetes configuration and credentials (kubelet kubeconfig, control-plane PKI and admin.conf on control-plane nodes)'],
  ['/var/lib/kubelet', 'every pod\'s mounted Secrets and ServiceAccount tokens, and the kubelet\'s own credentials'],
  ['/var/lib/docker', 'the file systems and images of every container on the node'],
  ['/var/lib/containerd', 'the file systems and images of every container on the node'],
  ['/var/log', 'the node\'s and every pod\'s logs (often with secrets in them); writable log directories have allowed symlink attacks on the kubelet'],
  ['/etc', 'the node\'s configuration: password hashes (/etc/shadow), sudoers, systemd units, cron, kubelet configuration'],
  ['/proc', 'the host\'s processes, their environment and memory, and kernel tunables'],
  ['/sys', 'kernel, device and cgroup settings of the node'],
  ['/root', 'root\'s home directory on the node (SSH keys, kubeconfigs, cloud credentials)'],
  ['/home', 'users\' home directories on the node (SSH keys, credentials)'],
  ['/boot', 'the node\'s kernel and boot loader (a persistence point across reboots)'],
  ['/dev', 'the node\'s devices (disks, memory, terminals)'],
];

/** `/` itself (its subdirectories are sensitive only when listed above). */
const WHOLE = '/';

export function sensitiveHostPath(path: string): { dir: string; why: string; contains?: boolean } | undefined {
  if (path === WHOLE) return { dir: '/', why: 'the node\'s whole file system: its credentials, configuration and every pod\'s data' };
  for (const [dir, why] of SENSITIVE_HOST_PATHS) if (isSameOrAncestor(dir, path)) return { dir, why };
  // Ancestors of sensitive directories (`/var`, `/var/lib`) expose them too.
  const below = SENSITIVE_HOST_PATHS.filter(([dir]) => path.startsWith('/') && dir.startsWith(path + '/')).map(([dir]) => dir);
  if (below.length) return { dir: path, why: `it contains ${quoteList(below)}`, contains: true };
  return undefined;
}

export default defineRule({
  id: 'sensitive-host-path',
  family: 'hardening',
  title: 'Sensitive host path mounted',
  defaultSeverity: 'warning',
  fix: 'none',
  docs: {
    summary:
      'A `hostPath` volume mounts a sensitive directory of the node: `/`, `/etc` (and below, e.g. `/etc/kubernetes`), `/proc`, `/sys`, `/root`, `/home`, `/boot`, `/dev`, `/var/lib/kubelet`, `/var/lib/docker`, `/var/lib/containerd`, `/var/log`, their subdirectories, or a parent of one of them (`/var`, `/var/lib`). The message says which containers mount it read-write.',
    why:
      'These directories hold the node\'s credentials and configuration, other pods\' secrets and data, and kernel interfaces. Reading them leaks secrets of the whole node; writing to them (a volumeMount without `readOnly: true`) lets a compromised container plant SSH keys, cron jobs or systemd units, tamper with the kubelet, or escape through symlinks. Prefer emptyDir, ConfigMap/Secret or PersistentVolumeClaim volumes; when a node agent really needs host files, mount the narrowest path read-only, restrict the volume `type`, and run it in a dedicated namespace. No quick fix: the right replacement depends on the workload.',
    insecure: 'containers:\n- name: agent\n  volumeMounts:\n  - name: host-etc\n    mountPath: /host/etc\nvolumes:\n- name: host-etc\n  hostPath:\n    path: /etc',
    hardened: 'containers:\n- name: agent\n  volumeMounts:\n  - name: os-release\n    mountPath: /host/etc/os-release\n    readOnly: true\nvolumes:\n- name: os-release\n  hostPath:\n    path: /etc/os-release\n    type: File',
    references: ['https://kubernetes.io/docs/concepts/storage/volumes/#hostpath', 'https://kubernetes.io/docs/concepts/security/pod-security-standards/', CIS],
  },
  podSpecsOnly: true,
  checkResource(res, ctx) {
    for (const w of workloads(res)) {
      for (const v of hostPathVolumes(w)) {
        const hit = sensitiveHostPath(v.path);
        if (!hit) continue;
        const mounts = mountsOf(w, v.name);
        const rw = [...new Set(mounts.filter((m) => m.writable).map((m) => m.container.label))];
        const ro = [...new Set(mounts.filter((m) => !m.writable).map((m) => m.container.label))];
        const how = rw.length
          ? `, mounted read-write by ${quoteList(rw)}${ro.length ? ` (read-only by ${quoteList(ro)})` : ''}`
          : ro.length
            ? `, mounted read-only by ${quoteList(ro)}`
            : ', not mounted by any container';
        ctx.report({
          resource: res,
          path: v.at,
          message: hit.contains
            ? `Volume "${v.name}"${w.where === undefined ? '' : ` in pod spec ${w.where}`} mounts host directory ${v.path}${how}; ${hit.why}.`
            : `Volume "${v.name}"${w.where === undefined ? '' : ` in pod spec ${w.where}`} mounts host path ${v.path}${how}; it exposes ${hit.why}.`,
        });
      }
    }
  },
});
