import { appendDocuments, dnsEgressYaml, uniqueName } from '../../netpol/generate';
import { selectorMatches } from '../../../../../shared/netpol/selector';
import { netpolWorkspace } from '../../netpol/workspace';
import { Fix, defineRule } from '../types';
import { NETPOL_DOCS, sharedPolicyRelated } from './common';

export default defineRule({
  id: 'netpol-dns-not-allowed',
  family: 'netpol',
  title: 'Egress isolated without DNS',
  defaultSeverity: 'warning',
  fix: 'sometimes',
  docs: {
    summary:
      'A workload whose pods are isolated for egress (a policy with `Egress` selects them, e.g. a default deny) while no egress rule of those policies allows UDP and TCP port 53 to kube-dns (pods `k8s-app: kube-dns` in `kube-system`, matched by namespaceSelector/podSelector peers). Since whether an ipBlock matches pod IPs depends on the network plugin, an ipBlock rule covering the cluster ranges (`netpol.clusterCIDRs`) on port 53 counts as allowing DNS.',
    why:
      'Almost every application resolves names. With egress denied and DNS not explicitly allowed, lookups time out and the application fails in confusing ways (often only after the policy is applied in production). Allow DNS to kube-dns only — not port 53 to everywhere, which would allow DNS tunnelling to the internet.',
    insecure:
      'kind: NetworkPolicy\nmetadata:\n  name: default-deny-all\nspec:\n  podSelector: {}\n  policyTypes:\n    - Ingress\n    - Egress\n# ...and no policy allowing DNS',
    hardened:
      'kind: NetworkPolicy\nmetadata:\n  name: allow-dns-egress\nspec:\n  podSelector: {}\n  policyTypes:\n    - Egress\n  egress:\n    - to:\n        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: kube-system\n          podSelector:\n            matchLabels:\n              k8s-app: kube-dns\n      ports:\n        - protocol: UDP\n          port: 53\n        - protocol: TCP\n          port: 53',
    references: [NETPOL_DOCS, 'https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/'],
  },
  podSpecsOnly: true,
  checkResource(res, ctx) {
    const nw = netpolWorkspace(ctx);
    for (const w of nw.workloadsOf(res)) {
      if (w.hostNetwork || !w.egress.length) continue;
      const d = nw.dns(w);
      if (d.udp && d.tcp) continue;
      const missing = !d.udp && !d.tcp ? 'UDP or TCP port 53' : !d.udp ? 'UDP port 53' : 'TCP port 53';
      // By name, once each (overlays rendering the same policy are one name to the reader).
      const unique = [...new Set(w.egress.map((p) => p.name))];
      const names = unique.slice(0, 5).join(', ') + (unique.length > 5 ? ', …' : '');
      ctx.report({
        resource: res,
        path: ['metadata', 'name'],
        message: `${res.kind} ${res.name || '(unnamed)'}${w.where === undefined ? '' : ` (pod spec ${w.where})`}: egress is isolated by NetworkPolic${unique.length === 1 ? 'y' : 'ies'} ${names}, and no egress rule allows ${missing} to kube-dns (kube-system, k8s-app: kube-dns): DNS lookups will fail.`,
        related: sharedPolicyRelated(w.egress, 'dns', (p) => `NetworkPolicy ${p.name} isolates egress without allowing DNS`),
        fixes: () => {
          const fixes: Fix[] = [];
          const file = w.egress[0].res.file;
          const peers = nw.workloadsIn(w.namespace).filter((x) => !x.hostNetwork);
          if (peers.every((x) => x.egress.length > 0)) {
            const doc = dnsEgressYaml(uniqueName(nw, w.namespace, 'allow-dns-egress'), w.namespace);
            fixes.push({ title: `Allow DNS egress for all pods in namespace ${w.namespace}`, edits: [appendDocuments(file, [doc])], preferred: true });
          }
          const labels = w.pod.labels;
          if (Object.keys(labels).length) {
            // Only when the selector does not newly isolate other workloads.
            const sel = { valid: true, requirements: Object.entries(labels).map(([key, v]) => ({ key, operator: 'In' as const, values: [v] })) };
            if (peers.every((x) => x.egress.length > 0 || !selectorMatches(sel, x.pod.labels))) {
              const doc = dnsEgressYaml(uniqueName(nw, w.namespace, `allow-dns-egress-${res.name || 'pods'}`.slice(0, 63).replace(/[^a-z0-9-]/g, '-').replace(/-+$/, '')), w.namespace, labels);
              fixes.push({ title: `Allow DNS egress for the pods of ${res.kind} ${res.name}`, edits: [appendDocuments(file, [doc])], preferred: !fixes.length });
            }
          }
          return fixes;
        },
      });
    }
  },
});
