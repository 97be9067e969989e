import { defineRule } from '../types';
import { CIS, hostPathVolumes, isSameOrAncestor, mountsOf, workloads } from './util';

/** Socket file names of container runtimes (and their API shims). */
export const RUNTIME_SOCKETS = ['docker.sock', 'containerd.sock', 'crio.sock', 'cri-dockerd.sock', 'podman.sock', 'dockershim.sock'];

/** Where runtimes put their sockets by default (`/var/run` is a symlink to `/run` on current distributions). */
export const RUNTIME_SOCKET_PATHS = [
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/run/containerd/containerd.sock',
  '/var/run/containerd/containerd.sock',
  '/run/docker/containerd/containerd.sock',
  '/run/k3s/containerd/containerd.sock',
  '/run/crio/crio.sock',
  '/var/run/crio/crio.sock',
  '/run/cri-dockerd.sock',
  '/var/run/cri-dockerd.sock',
  '/run/podman/podman.sock',
  '/var/run/podman/podman.sock',
  '/var/run/dockershim.sock',
  '/var/snap/microk8s/common/run/containerd.sock',
];

/** Windows named pipes of Docker and containerd. */
const WINDOWS_PIPE = /^\\\\\.\\pipe\\(docker_engine|containerd-containerd)$/i;

/** What the host path exposes: the socket itself, or the sockets below a directory; undefined when none. */
export function runtimeSocketExposure(path: string, raw: string): { socket?: string; contains?: string[] } | undefined {
  if (WINDOWS_PIPE.test(raw)) return { socket: raw };
  const base = path.split('/').pop() ?? '';
  if (RUNTIME_SOCKETS.includes(base)) return { socket: path };
  const contains = RUNTIME_SOCKET_PATHS.filter((s) => isSameOrAncestor(path, s));
  return contains.length ? { contains } : undefined;
}

export default defineRule({
  id: 'runtime-socket-mount',
  family: 'hardening',
  title: 'Container runtime socket mounted',
  defaultSeverity: 'error',
  fix: 'none',
  docs: {
    summary:
      'A `hostPath` volume is a container runtime socket (`docker.sock`, `containerd.sock`, `crio.sock`, `cri-dockerd.sock`, `podman.sock`, the Windows `docker_engine` pipe) or a host directory that contains one (`/var/run`, `/run`, `/run/containerd`, `/var`, `/`…).',
    why:
      'The runtime socket is an unauthenticated root API on the node: whoever can write to it can start a privileged container with the host\'s file system mounted, read every other container\'s environment and file system, and bypass admission control entirely, since the API server never sees those containers. Mounting it, even read-only (a socket is still writable through a read-only mount), is equivalent to root on the node. Build images with a daemonless builder (BuildKit rootless, Kaniko, Buildah) and read container metadata from the Kubernetes API or the kubelet instead. No quick fix: the workload has to be redesigned.',
    insecure: 'volumes:\n- name: docker\n  hostPath:\n    path: /var/run/docker.sock\n    type: Socket',
    hardened: '# no runtime socket: build with a rootless builder, query the Kubernetes API instead\nvolumes:\n- name: workspace\n  emptyDir: {}',
    references: [
      'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath',
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
      'https://docs.docker.com/engine/security/#docker-daemon-attack-surface',
      CIS,
    ],
  },
  podSpecsOnly: true,
  checkResource(res, ctx) {
    for (const w of workloads(res)) {
      for (const v of hostPathVolumes(w)) {
        const hit = runtimeSocketExposure(v.path, v.raw);
        if (!hit) continue;
        const mounted = mountsOf(w, v.name).map((m) => m.container.label);
        const by = mounted.length ? ` (mounted by ${mounted.join(', ')})` : '';
        const what = hit.socket
          ? `the container runtime socket ${hit.socket}`
          : `host directory ${v.path}, which contains container runtime sockets (${hit.contains!.slice(0, 3).join(', ')}${hit.contains!.length > 3 ? ', …' : ''})`;
        ctx.report({
          resource: res,
          path: v.at,
          message: `Volume "${v.name}"${w.where === undefined ? '' : ` in pod spec ${w.where}`} mounts ${what}${by}: whoever can reach the socket can start privileged containers on the node, i.e. is root on the node.`,
        });
      }
    }
  },
});
