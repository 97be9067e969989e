import { netpolSettings } from '../../netpol/workspace';
import { defineProblemRule } from './common';

export default defineProblemRule({
  id: 'netpol-ipblock-covers-cluster',
  codes: ['ipblock-covers-cluster'],
  fix: 'none',
  title: 'ipBlock covers the cluster network',
  defaultSeverity: 'warning',
  enabled: (ctx) => netpolSettings(ctx.settings).clusterCIDRsConfigured,
  docs: {
    summary:
      'An `ipBlock` overlapping the cluster ranges configured in `netpol.clusterCIDRs` (only checked when that setting is given).',
    why:
      'Whether an ipBlock matches pod IPs depends on the network plugin (many evaluate policies after Service IPs are translated, or never match pod IPs with ipBlock). Selecting in-cluster peers by IP is therefore unreliable: use podSelector / namespaceSelector, or list the cluster ranges in `except`.',
    insecure: 'to:\n  - ipBlock:\n      cidr: 10.0.0.0/8   # the pod CIDR is 10.244.0.0/16',
    hardened: 'to:\n  - namespaceSelector:\n      matchLabels:\n        kubernetes.io/metadata.name: db',
  },
});
