/**
 * A workload object that the API server would reject as incomplete — a pod
 * template without containers, or with a container without `image` — is
 * almost always a Kustomize patch fragment that no kustomization lists. One
 * note says so; the workload rules do not report on it (analyze.ts drops
 * their findings on such an object), since every field it leaves out is
 * one the real object has.
 */
import { incompleteReason } from '../../completeness';
import { defineRule } from '../types';

export default defineRule({
  id: 'incomplete-resource',
  family: 'yaml',
  title: 'Incomplete workload object (patch fragment)',
  defaultSeverity: 'info',
  fix: 'none',
  docs: {
    summary:
      'A Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob or Pod that the API server would reject as incomplete — its pod template has no containers, or a container without `image` (a missing `spec.selector` is named too) — and that no kustomization uses: it looks like a patch fragment. It gets this one note instead of the workload rules\' findings.',
    why:
      'Kustomize patches (and kubebuilder\'s `config/default/*_patch.yaml`) are partial objects: analysed on their own they would raise a finding for every security field they leave to the base. Listed in a kustomization\'s `patches`, a fragment is analysed merged into its target; left out of every kustomization, it is not deployed by `kubectl apply -k` — and `kubectl apply -f` would reject it. Either list it, or delete it if it is a leftover. An object whose containers are all complete never gets this note, even without a selector (its containers are what would run), nor does a Pod without a `containers` list (malformed, not a fragment); their findings are reported as usual.',
    insecure:
      '# config/default/manager_auth_proxy_patch.yaml, listed in no kustomization\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: controller-manager\nspec:\n  template:\n    spec:\n      containers:\n        - name: manager\n          args: ["--metrics-bind-address=127.0.0.1:8080"]',
    hardened: '# config/default/kustomization.yaml\nresources:\n  - ../manager\npatches:\n  - path: manager_auth_proxy_patch.yaml',
    references: [
      'https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/patches/',
      'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#selector',
    ],
  },
  checkResource(res, ctx) {
    const why = incompleteReason(res, ctx.workspace);
    if (!why) return;
    ctx.report({
      resource: res,
      path: ['kind'],
      message: `${res.kind} ${res.name || '(unnamed)'} is not a complete object (${why}): it looks like a patch fragment, and the API server would reject it as it is. List it in a kustomization's patches to have it analysed merged into its target; the workload rules do not report on it.`,
    });
  },
});
