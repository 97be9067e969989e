import { defineRule } from '../types';
import { kindName, workloads } from './util';

/** Objects rendered from a Helm chart (server/src/helm/map.ts): their namespace is the release's, chosen with `helm install -n`. */
const HELM_RENDERED_SCHEME = 'k8s-guardrails-helm:';

export default defineRule({
  id: 'workload-in-default-namespace',
  family: 'hardening',
  title: 'Workload in the default namespace',
  defaultSeverity: 'info',
  fix: 'none',
  docs: {
    summary:
      'A workload (any namespaced object with a pod spec: Pod, Deployment, StatefulSet, DaemonSet, Job, CronJob… or another kind that embeds one) sets `metadata.namespace: default`, or sets no namespace at all — then it lands in the namespace of the kubectl context (`default` unless you pass `-n` or your context names another), and the message says so. The namespace as applied counts: a Kustomize `namespace:` sets it for a kustomization\'s objects. Objects rendered from a Helm chart are not reported: `helm install -n` chooses their namespace. Informational: turn it off with `workload-in-default-namespace: off` under `rules:` in `.k8s-guardrails.yaml`, `--disable workload-in-default-namespace` on the command line, or `"workload-in-default-namespace": "off"` in the `k8sGuardrails.rules` editor setting.',
    why:
      'The `default` namespace is where everything lands that nobody placed: unrelated workloads share its ServiceAccounts, Secrets, RBAC bindings and NetworkPolicies, a Role granted there for one application reaches all of them, and it is usually left without Pod Security labels, quotas or a default-deny policy. A dedicated namespace per application (or team) is the unit that RBAC, Pod Security Admission, ResourceQuota and NetworkPolicy isolate. No quick fix: choose the namespace (and create it, with its Pod Security labels).',
    insecure: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web',
    hardened: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop',
    references: [
      'https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/',
      'https://kubernetes.io/docs/concepts/security/multi-tenancy/',
      'https://www.cisecurity.org/benchmark/kubernetes',
    ],
  },
  checkResource(res, ctx) {
    if (res.clusterScoped || res.kind === 'PodTemplate' || res.file.uri.startsWith(HELM_RENDERED_SCHEME)) return;
    if (res.declaredNamespace !== undefined && res.declaredNamespace !== 'default') return;
    if (!workloads(res).length) return;
    ctx.report({
      resource: res,
      path: ['metadata', 'namespace'],
      message:
        res.declaredNamespace === 'default'
          ? `${kindName(res)} is in namespace default, shared by everything nobody placed elsewhere (its ServiceAccounts, Secrets, RBAC bindings and policies); move it to a dedicated namespace.`
          : `${kindName(res)} has no namespace: it lands in default unless applied with -n (or a kubectl context naming another namespace); set metadata.namespace (or Kustomize's namespace:) to a dedicated namespace.`,
    });
  },
});
