import { NAMESPACE_NAME_LABEL } from '../../../../../shared/netpol/model';
import type { ParsedPeer } from '../../../../../shared/netpol/parse';
import { isK8sNetworkPolicy, netpolWorkspace } from '../../netpol/workspace';
import { defineRule } from '../types';
import { NETPOL_DOCS, NETWORK_POLICY_KIND } from './common';
import { describeSelector, unmatchedWorkloads } from './netpol-selects-nothing';
import { nearMiss, unmatchedSelector } from './unseen-pods';

/**
 * The namespaces a peer's pods are looked for in: the policy's own without a namespaceSelector, the namespaces it
 * names by `kubernetes.io/metadata.name` otherwise; undefined when any namespace with some label may match (the
 * workspace cannot know them all).
 */
function peerNamespaces(peer: ParsedPeer, own: string): string[] | undefined {
  const ns = peer.namespaceSelector;
  if (!ns) return [own];
  if (!ns.valid) return undefined;
  let names: string[] | undefined;
  for (const r of ns.requirements) {
    if (r.key !== NAMESPACE_NAME_LABEL || r.operator !== 'In') continue;
    names = names ? names.filter((n) => r.values.includes(n)) : [...new Set(r.values)];
  }
  return names?.length ? names : undefined;
}

export default defineRule({
  id: 'netpol-peer-selects-nothing',
  family: 'netpol',
  title: 'NetworkPolicy peer selects no workload',
  defaultSeverity: 'info',
  fix: 'none',
  docs: {
    summary:
      'An ingress `from` or egress `to` peer whose (non-empty) `podSelector` matches the pod template of no workload of the peer\'s namespaces in the workspace (across files). The peer\'s namespaces are the policy\'s own when it has no `namespaceSelector`, and those the `namespaceSelector` names with `kubernetes.io/metadata.name`; a peer whose `namespaceSelector` selects namespaces by other labels (or `{}`) is not checked, as the workspace cannot know every namespace with those labels. Peers often name pods that another repository or chart installs (a database, a gateway), so it reports only a near miss: a workload of those namespaces carries matching labels on itself instead of on its pod template, or has every key the selector requires with values that differ by a typo (up to 2 edits, 1 for values up to 4 characters, a swap of neighbours counting as one; or case); the message names it. It shares the precision logic of `netpol-selects-nothing`: quiet when one of those namespaces has no workload in the workspace, when none of their workloads uses every label key of the selector in its pod template nor carries matching labels on itself (another labelling scheme: the pods are likely installed elsewhere, like an `istio-ingressgateway` next to one add-on in `istio-system`), when the selector uses labels that controllers and operators set, when a custom resource of the namespace has matching labels, when a workload of the namespace may create pods there (RBAC), and when it matches a pod every cluster runs in kube-system (`k8s-app: kube-dns`, `k8s-app: kube-proxy`, the control plane\'s `component` labels). A policy that declares no namespace counts workloads of any namespace for its same-namespace peers, and a workload that declares none counts everywhere. Informational: turn it off with `netpol-peer-selects-nothing: off` under `rules:` in `.k8s-guardrails.yaml` (or `k8sGuardrails.rules`).',
    why:
      'A peer that selects nothing allows nothing: the traffic the author meant to allow (from the frontend, to the database) stays blocked once the pods are isolated, or — worse — it starts being allowed for whatever pod someone later labels to match. Usually a label typo, a label on the Deployment instead of its pod template, or the wrong namespace.',
    insecure: 'ingress:\n- from:\n  - podSelector:\n      matchLabels:\n        app: frontnd   # the frontend\'s pods are labelled app: frontend',
    hardened: 'ingress:\n- from:\n  - podSelector:\n      matchLabels:\n        app: frontend',
    references: [NETPOL_DOCS],
  },
  kinds: NETWORK_POLICY_KIND,
  checkResource(res, ctx) {
    if (!isK8sNetworkPolicy(res)) return;
    const nw = netpolWorkspace(ctx);
    const p = nw.policy(res);
    if (!p) return;
    for (const rule of [...p.parsed.ingress, ...p.parsed.egress]) {
      if (rule.peers === 'all') continue;
      for (const peer of rule.peers) {
        if (peer.kind !== 'selector' || !peer.podSelector) continue;
        const namespaces = peerNamespaces(peer, p.namespace);
        if (!namespaces) continue;
        const miss = unmatchedSelector(nw, ctx, peer.podSelector, namespaces, !peer.namespaceSelector && res.declaredNamespace === undefined);
        if (!miss) continue;
        const { candidates } = miss;
        // Peers often name pods that another repository or chart installs (a database, a gateway): report only a near miss.
        const near = nearMiss(peer.podSelector, candidates);
        if (!near) continue;
        const where = namespaces.length === 1 ? `namespace ${namespaces[0]}` : `namespaces ${namespaces.join(', ')}`;
        const dir = rule.direction === 'ingress' ? `ingress rule ${rule.index + 1} allows traffic from` : `egress rule ${rule.index + 1} allows traffic to`;
        ctx.report({
          resource: res,
          path: [...peer.path, 'podSelector'],
          message:
            `NetworkPolicy ${res.name || '(unnamed)'}: ${dir} pods matching (${describeSelector(peer.podSelector.requirements)}), but that matches the pod template of ${unmatchedWorkloads(peer.podSelector, candidates, where)}; ${near} ` +
            'The peer allows nothing. If an operator or another repository creates these pods, ignore this finding with a reason.',
        });
      }
    }
  },
});
