import { defaultDenyFix, internetLockdownFix } from '../../netpol/generate';
import { netpolWorkspace } from '../../netpol/workspace';
import { Fix, defineRule } from '../types';
import { NETPOL_DOCS, policyRelated } from './common';

export default defineRule({
  id: 'missing-network-policy',
  family: 'netpol',
  title: 'Workload not selected by any NetworkPolicy',
  defaultSeverity: 'warning',
  fix: 'sometimes',
  docs: {
    summary:
      'A workload (any resource with a pod template) whose pods no NetworkPolicy in their namespace selects for ingress and/or egress. Setting `netpol.require` (`both` by default, `ingress`, `egress` or `off`) chooses the directions that must be covered. Selection is by the labels of the pod template. A hostNetwork workload is never counted as isolated, selected or not: it gets a finding (info unless the rule\'s severity is configured) saying that NetworkPolicies do not apply to its pods and which policies select it without effect.',
    why:
      'Pods that no policy selects accept connections from, and open connections to, anything: every other pod in the cluster and (for egress) the internet. A compromised pod can then scan the cluster, reach databases and exfiltrate data. Add a default-deny policy to the namespace and allow only the traffic the application needs.',
    insecure: 'kind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n# ...and no NetworkPolicy in namespace shop',
    hardened:
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny-all\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes:\n    - Ingress\n    - Egress',
    references: [NETPOL_DOCS, 'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies'],
  },
  podSpecsOnly: true,
  checkResource(res, ctx) {
    const nw = netpolWorkspace(ctx);
    const require = nw.settings.require;
    if (require === 'off') return;
    for (const w of nw.workloadsOf(res)) {
      const who = `${res.kind} ${res.name || '(unnamed)'}${w.where === undefined ? '' : ` (pod spec ${w.where})`}`;
      if (w.hostNetwork) {
        // Selected or not, a hostNetwork pod is not isolated: counting it as covered would be a false "all clear".
        const selecting = [...new Set([...w.ingress, ...w.egress])];
        const configured = ctx.settings.rules['missing-network-policy'];
        ctx.report({
          resource: res,
          path: [...w.templatePath, 'spec', 'hostNetwork'],
          ...(configured && configured !== 'off' ? {} : { severity: 'info' as const }),
          message:
            `${who} uses hostNetwork: NetworkPolicies do not apply to its pods (they share the node's network namespace), so ` +
            (selecting.length
              ? `the ${selecting.length} polic${selecting.length === 1 ? 'y' : 'ies'} selecting them in namespace ${w.namespace} ha${selecting.length === 1 ? 's' : 've'} no effect on them.`
              : `no NetworkPolicy can isolate them.`) +
            " Drop hostNetwork if the pods do not need the node's network, or restrict their traffic with host firewall rules.",
          related: policyRelated(selecting, (p) => `NetworkPolicy ${p.name} selects ${res.name || 'these pods'} but does not apply to hostNetwork pods`),
        });
        continue;
      }
      const missIngress = require !== 'egress' && w.ingress.length === 0;
      const missEgress = require !== 'ingress' && w.egress.length === 0;
      if (!missIngress && !missEgress) continue;
      const dirs = missIngress && missEgress ? 'ingress or egress' : missIngress ? 'ingress' : 'egress';
      const other = missIngress && !missEgress ? ' (egress is restricted)' : !missIngress && missEgress && w.ingress.length ? ' (ingress is restricted)' : '';
      const policies = nw.policiesIn(w.namespace);
      ctx.report({
        resource: res,
        path: ['metadata', 'name'],
        message:
          `${who}: no NetworkPolicy in namespace ${w.namespace} selects its pods for ${dirs}${other}, ` +
          `so ${missIngress && missEgress ? 'all inbound and outbound traffic is' : missIngress ? 'all inbound traffic is' : 'all outbound traffic (including to the internet) is'} allowed.` +
          (policies.length ? ` The namespace has ${policies.length} polic${policies.length === 1 ? 'y' : 'ies'}, none selecting these pods for ${dirs}.` : ''),
        related: policyRelated(policies, (p) => `NetworkPolicy ${p.name} in ${p.namespace} does not select ${res.name || 'these pods'} for ${dirs}`),
        fixes: () => {
          const fixes: Fix[] = [];
          const deny = nw.defaultDeny(w.namespace);
          const dirsToAdd = { ingress: missIngress && !deny.ingress.length, egress: missEgress && !deny.egress.length };
          if (dirsToAdd.ingress || dirsToAdd.egress) fixes.push(defaultDenyFix(nw, res.file, w.namespace, dirsToAdd, true));
          if (missEgress) fixes.push(internetLockdownFix(nw, res.file, w.namespace));
          return fixes;
        },
      });
    }
  },
});
