import { isObject } from '../../model';
import { defineRule } from '../types';
import { CIS, workloadContainers, containerWhere } from './util';

export default defineRule({
  id: 'ssh-port-exposed',
  family: 'hardening',
  title: 'SSH port exposed',
  defaultSeverity: 'warning',
  fix: 'none',
  docs: {
    summary:
      'A container declares port 22 (`containerPort: 22`) or a port named `ssh` (any case). Containers, init containers and ephemeral containers are checked.',
    why:
      'An SSH server in a container is a second, long-lived way in that bypasses the Kubernetes API: its keys or passwords live in the image or a volume, its sessions are not audited by the API server, RBAC on `pods/exec` does not apply to it, and it is a common target of credential stuffing. Use `kubectl exec` or `kubectl debug` (governed by RBAC and the audit log) for interactive access, and a file-transfer sidecar or a volume for data. No quick fix: remove the SSH server from the image.',
    insecure: 'containers:\n- name: app\n  image: registry.example.com/app:1.4.2\n  ports:\n  - name: ssh\n    containerPort: 22',
    hardened: 'containers:\n- name: app\n  image: registry.example.com/app:1.4.2\n  ports:\n  - name: http\n    containerPort: 8080\n# interactive access: kubectl exec / kubectl debug',
    references: ['https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/', 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/', CIS],
  },
  podSpecsOnly: true,
  checkResource(res, ctx) {
    for (const c of workloadContainers(res)) {
      const ports = c.container.ports;
      if (!Array.isArray(ports)) continue;
      ports.forEach((p: unknown, index: number) => {
        if (!isObject(p)) return;
        const port22 = p.containerPort === 22 || p.containerPort === '22';
        const named = typeof p.name === 'string' && p.name.toLowerCase() === 'ssh';
        if (!port22 && !named) return;
        const what = port22 && named ? 'port 22 named ssh' : port22 ? 'port 22 (SSH)' : `port ${typeof p.containerPort === 'number' ? p.containerPort : '?'} named ${p.name}`;
        ctx.report({
          resource: res,
          path: [...c.full, 'ports', index, port22 ? 'containerPort' : 'name'],
          message: `${containerWhere(res, c)} exposes ${what}: an SSH server is a way in that bypasses the Kubernetes API, its RBAC and its audit log; use kubectl exec or kubectl debug instead.`,
        });
      });
    }
  },
});
