import { isK8sNetworkPolicy, netpolWorkspace } from '../../netpol/workspace';
import { defineRule } from '../types';
import { NETPOL_DOCS } from './common';

function describeSelector(reqs: { key: string; operator: string; values: string[] }[]): string {
  return reqs
    .map((r) => (r.operator === 'In' && r.values.length === 1 ? `${r.key}=${r.values[0]}` : r.operator === 'Exists' ? r.key : r.operator === 'DoesNotExist' ? `!${r.key}` : `${r.key} ${r.operator.toLowerCase()} (${r.values.join(', ')})`))
    .join(', ');
}

export default defineRule({
  id: 'netpol-selects-nothing',
  family: 'netpol',
  title: 'NetworkPolicy selects no workload',
  defaultSeverity: 'info',
  fixable: false,
  docs: {
    summary:
      'A NetworkPolicy whose (non-empty) `podSelector` matches the pod template of no workload of its namespace in the workspace (across files). Only reported when the workspace defines at least one workload in that namespace, so repositories holding only policies stay quiet.',
    why:
      'A policy that selects nothing protects nothing: usually a label typo (`app: backnd`), a label on the Deployment instead of its pod template, or the wrong namespace. The pods the author meant stay unrestricted.',
    insecure: 'spec:\n  podSelector:\n    matchLabels:\n      app: backnd   # the Deployment labels its pods app: backend',
    hardened: 'spec:\n  podSelector:\n    matchLabels:\n      app: backend',
    references: [NETPOL_DOCS],
  },
  checkResource(res, ctx) {
    if (!isK8sNetworkPolicy(res)) return;
    const nw = netpolWorkspace(ctx.workspace, ctx.settings);
    const p = nw.policy(res);
    if (!p) return;
    const sel = p.parsed.podSelector;
    if (!sel.valid || sel.requirements.length === 0) return;
    const candidates = nw.workloadsIn(p.namespace);
    if (!candidates.length || nw.selectedBy(p).length) return;
    ctx.report({
      resource: res,
      path: ['spec', 'podSelector'],
      message: `NetworkPolicy ${res.name || '(unnamed)'}: podSelector (${describeSelector(sel.requirements)}) matches the pods of ${candidates.length === 1 ? 'not even the one workload' : `none of the ${candidates.length} workloads`} in namespace ${p.namespace}.`,
    });
  },
});
