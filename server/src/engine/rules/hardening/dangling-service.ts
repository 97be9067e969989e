import { isObject } from '../../model';
import { netpolWorkspace } from '../../netpol/workspace';
import { describeSelector, unmatchedWorkloads } from '../netpol/netpol-selects-nothing';
import { mapSelector, nearMiss, unmatchedSelector } from '../netpol/unseen-pods';
import { defineRule } from '../types';

export default defineRule({
  id: 'dangling-service',
  family: 'hardening',
  title: 'Service selects no workload',
  defaultSeverity: 'info',
  fix: 'none',
  docs: {
    summary:
      'A Service whose `spec.selector` matches the pod template of no workload of its namespace in the workspace (across files, Helm and Kustomize renders included). Services without a selector (their Endpoints are managed by hand) and `ExternalName` Services are skipped. Like `netpol-selects-nothing`, it stays quiet when the pods may exist without a manifest: when the workspace has no workload in that namespace (a manifest of just a Service is not enough evidence), or none of its workloads uses every label key of the selector in its pod template nor carries matching labels on itself (the namespace\'s workloads follow another labelling scheme: the selected pods are likely installed by another tool or repository); when the selector uses labels that controllers and operators set on the pods they create (`statefulset.kubernetes.io/pod-name`, prometheus-operator\'s `prometheus`, `alertmanager`, `app.kubernetes.io/name: prometheus`…); when a custom resource of the namespace has matching labels or `spec.podMetadata.labels`; when a workload of the namespace may create pods there (RBAC: an operator); and when it matches a pod every cluster runs in kube-system (`k8s-app: kube-dns`, `k8s-app: kube-proxy`, the control plane\'s `component` labels). A Service that declares no namespace (applied with `kubectl apply -n`) counts workloads of any namespace, and a workload that declares none counts for every Service. Informational: turn it off with `dangling-service: off` under `rules:` in `.k8s-guardrails.yaml` (or `k8sGuardrails.rules`).',
    why:
      'A Service that selects nothing has no endpoints: clients get connection refused or time out. It is usually a label typo, a label on the Deployment instead of its pod template, or a leftover after a rename — and a Service left behind can later route traffic to whatever pod someone labels to match it.',
    insecure: 'kind: Service\nspec:\n  selector:\n    app: backnd   # the Deployment labels its pods app: backend',
    hardened: 'kind: Service\nspec:\n  selector:\n    app: backend',
    references: ['https://kubernetes.io/docs/concepts/services-networking/service/#services-without-selectors'],
  },
  kinds: new Set(['Service']),
  checkResource(res, ctx) {
    if (res.kind !== 'Service' || res.apiVersion !== 'v1') return;
    const spec = res.object.spec;
    if (!isObject(spec) || spec.type === 'ExternalName') return;
    const sel = mapSelector(spec.selector);
    if (!sel || sel.requirements.length === 0) return;
    const nw = netpolWorkspace(ctx);
    const namespace = res.namespace ?? 'default';
    const miss = unmatchedSelector(nw, ctx, sel, [namespace], res.declaredNamespace === undefined);
    if (!miss) return;
    const { candidates } = miss;
    const near = nearMiss(sel, candidates);
    ctx.report({
      resource: res,
      path: ['spec', 'selector'],
      message:
        `Service ${res.name || '(unnamed)'}: selector (${describeSelector(sel.requirements)}) matches the pod template of ${unmatchedWorkloads(sel, candidates, `namespace ${namespace}`)}, so it has no endpoints. ` +
        `${near ? `${near[0].toUpperCase()}${near.slice(1)} ` : 'A typo, a label on the workload instead of its pod template, or the wrong namespace? '}If an operator or another repository creates these pods, ignore this finding with a reason.`,
    });
  },
});
