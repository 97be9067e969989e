import { defineRule } from '../types';
import { longRunningContainers } from './long-running';
import { containerWhere } from './util';

export default defineRule({
  id: 'missing-readiness-probe',
  family: 'hardening',
  title: 'No readiness probe',
  defaultSeverity: 'info',
  fix: 'none',
  docs: {
    summary:
      'A long-running container has no `readinessProbe`. The same containers as `missing-liveness-probe`: those of Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers, Argo Rollouts and bare Pods with `restartPolicy: Always` (the default) that no Job owns, and their sidecar containers (init containers with `restartPolicy: Always`, whose readiness counts for the pod\'s); not Jobs, CronJobs, Pods that run to completion, ordinary init containers, ephemeral containers or pod specs embedded in other kinds. Informational: turn it off with `missing-readiness-probe: off` under `rules:` in `.k8s-guardrails.yaml`, `--disable missing-readiness-probe` on the command line, or `"missing-readiness-probe": "off"` in the `k8sGuardrails.rules` editor setting.',
    why:
      'Without a readiness probe a container counts as ready as soon as it starts: Services send it traffic before it listens or has warmed up, a rolling update replaces the old replicas before the new ones can serve (`maxUnavailable` and `minReadySeconds` measure nothing), and a replica that loses its dependencies keeps receiving requests. A container that serves no traffic (a queue worker) still benefits, since rollouts wait for it. No quick fix: only you know what "ready" means for the application.',
    insecure: 'containers:\n- name: web\n  image: registry.example.com/web:1.4.2\n  ports:\n  - containerPort: 8080',
    hardened: 'containers:\n- name: web\n  image: registry.example.com/web:1.4.2\n  ports:\n  - containerPort: 8080\n  readinessProbe:\n    httpGet:\n      path: /ready\n      port: 8080\n    periodSeconds: 5',
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
      'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-probes',
    ],
  },
  podSpecsOnly: true,
  checkResource(res, ctx) {
    for (const c of longRunningContainers(res)) {
      if (c.container.readinessProbe != null) continue;
      ctx.report({
        resource: res,
        path: [...c.full, 'readinessProbe'],
        message: `${containerWhere(res, c)}${c.field === 'initContainers' ? ' (a sidecar: restartPolicy Always)' : ''} has no readinessProbe: it receives traffic and counts as available in rollouts as soon as it starts; add a probe that says when it can serve.`,
      });
    }
  },
});
