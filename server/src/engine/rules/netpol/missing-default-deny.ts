import { defaultDenyFix } from '../../netpol/generate';
import { netpolWorkspace } from '../../netpol/workspace';
import { sameResource } from '../../memo';
import { defineRule } from '../types';
import { NETPOL_DOCS } from './common';

export default defineRule({
  id: 'missing-default-deny',
  family: 'netpol',
  title: 'Namespace without a default-deny NetworkPolicy',
  defaultSeverity: 'warning',
  fix: 'always',
  docs: {
    summary:
      'A Namespace defined in the workspace has no default-deny NetworkPolicy (a policy selecting all pods, `podSelector: {}`, with the direction in `policyTypes` and no rules) for ingress and/or egress.',
    why:
      'Without a default deny, every pod that no other policy selects is open in that direction, including pods added later. "Deny by default, then allow" makes new workloads safe by default; the quick fix adds a default-deny policy (and, when egress is denied, a DNS egress policy so name resolution keeps working).',
    insecure: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop',
    hardened:
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny-all\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes:\n    - Ingress\n    - Egress',
    references: [NETPOL_DOCS, 'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies'],
  },
  kinds: new Set(['Namespace']),
  checkResource(res, ctx) {
    if (res.kind !== 'Namespace' || res.apiVersion !== 'v1' || !res.name) return;
    const nw = netpolWorkspace(ctx);
    if (!sameResource(nw.namespaces.get(res.name), res)) return;
    const deny = nw.defaultDeny(res.name);
    const missing = { ingress: deny.ingress.length === 0, egress: deny.egress.length === 0 };
    if (!missing.ingress && !missing.egress) return;
    const dirs = missing.ingress && missing.egress ? 'ingress or egress' : missing.ingress ? 'ingress' : 'egress';
    ctx.report({
      resource: res,
      path: ['metadata', 'name'],
      message: `Namespace ${res.name} has no default-deny NetworkPolicy for ${dirs}: pods no other policy selects accept ${missing.ingress && missing.egress ? 'all inbound and outbound' : missing.ingress ? 'all inbound' : 'all outbound'} traffic.`,
      fixes: () => [defaultDenyFix(nw, res.file, res.name, missing, true)],
    });
  },
});
