import { formatIp, intersect, Interval, ParsedCidr, parseCidr } from '../../../../../shared/netpol/cidr';
import { netpolSettings, NetpolSettings } from '../../netpol/workspace';
import { defineProblemRule, PolicyFinding } from './common';

export default defineProblemRule({
  id: 'netpol-ipblock-covers-cluster',
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
  detect(p, ctx) {
    const cluster = clusterRanges(netpolSettings(ctx.settings));
    const found: PolicyFinding[] = [];
    for (const rule of [...p.ingress, ...p.egress]) {
      if (rule.peers === 'all') continue;
      for (const peer of rule.peers) {
        const b = peer.ipBlock;
        if (peer.kind !== 'ipBlock' || !b) continue;
        // The addresses the ipBlock admits (cidr minus except) that fall in a cluster range.
        const hits = cluster.filter((r) => r.c.family === b.cidr.family && intersect(b.allowed, [[r.c.start, r.c.end] as Interval]).length > 0);
        if (!hits.length) continue;
        const sample = intersect(b.allowed, [[hits[0].c.start, hits[0].c.end]])[0];
        found.push({
          severity: 'warning',
          message: `ipBlock ${b.text} covers the cluster's pod CIDR ${hits.map((h) => h.text).join(', ')} (e.g. ${formatIp(b.cidr.family, sample[0])}): whether ipBlock matches pod IPs depends on the network plugin; select pods with podSelector/namespaceSelector instead, or add the pod CIDR to except`,
          path: [...peer.path, 'ipBlock', 'cidr'],
        });
      }
    }
    return found;
  },
});

/** The configured cluster ranges, parsed once per settings. */
const parsedRanges = new WeakMap<NetpolSettings, { text: string; c: ParsedCidr }[]>();

function clusterRanges(s: NetpolSettings): { text: string; c: ParsedCidr }[] {
  let list = parsedRanges.get(s);
  if (!list) {
    list = s.clusterCIDRs.flatMap((text) => {
      const c = parseCidr(text);
      return c ? [{ text, c }] : [];
    });
    parsedRanges.set(s, list);
  }
  return list;
}
