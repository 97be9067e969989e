import { defineRule } from '../types';
import { longRunningContainers } from './long-running';
import { containerWhere } from './util';

export default defineRule({
  id: 'missing-liveness-probe',
  family: 'hardening',
  title: 'No liveness probe',
  defaultSeverity: 'info',
  fix: 'none',
  docs: {
    summary:
      'A long-running container has no `livenessProbe`. Checked: the containers of Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers, Argo Rollouts and bare Pods whose `restartPolicy` is `Always` (the default) and that no Job owns, and their sidecar containers (init containers with `restartPolicy: Always`, whose probes the kubelet runs too). Not checked: Jobs, CronJobs and Pods that run to completion (`restartPolicy: Never` or `OnFailure`) — they end by design; ordinary init containers, which must finish before the app starts; ephemeral containers; pod specs embedded in other kinds (JobSet, Argo Workflows, Tekton, KServe…), batch or managed by their operator. A `startupProbe` alone does not count. Informational: turn it off with `missing-liveness-probe: off` under `rules:` in `.k8s-guardrails.yaml`, `--disable missing-liveness-probe` on the command line, or `"missing-liveness-probe": "off"` in the `k8sGuardrails.rules` editor setting.',
    why:
      'Without a liveness probe the kubelet restarts a container only when its process exits: a deadlocked or wedged process keeps its place, keeps receiving traffic if it is still Ready, and needs a human to notice. Kubernetes\' availability guarantees assume the kubelet can tell a dead container from a live one. Probe a cheap endpoint that checks the process itself, not its dependencies (a liveness probe that fails when the database is down restarts every replica at once), with a `failureThreshold` and `periodSeconds` that tolerate pauses. No quick fix: only you know the endpoint.',
    insecure: 'containers:\n- name: web\n  image: registry.example.com/web:1.4.2\n  ports:\n  - containerPort: 8080',
    hardened:
      'containers:\n- name: web\n  image: registry.example.com/web:1.4.2\n  ports:\n  - containerPort: 8080\n  livenessProbe:\n    httpGet:\n      path: /healthz\n      port: 8080\n    periodSeconds: 10\n    failureThreshold: 3',
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
      'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-probes',
    ],
  },
  podSpecsOnly: true,
  checkResource(res, ctx) {
    for (const c of longRunningContainers(res)) {
      if (c.container.livenessProbe != null) continue;
      ctx.report({
        resource: res,
        path: [...c.full, 'livenessProbe'],
        message: `${containerWhere(res, c)}${c.field === 'initContainers' ? ' (a sidecar: restartPolicy Always)' : ''} has no livenessProbe: a hung process is restarted only when it exits; add a probe of a cheap endpoint of the process itself.`,
      });
    }
  },
});
