/** Validation of a single NetworkPolicy object (API-server rules + lint warnings). */
import { Interval, formatIp, intersect, parseCidr } from './cidr';
import { ParsedPeer, ParsedPolicy, parsePolicy } from './parse';
import type { PolicyProblem, ValidateOptions } from './types';

/**
 * Problems of a NetworkPolicy object. Errors are what the API server rejects
 * (invalid ports, peers, ipBlocks, selectors, policyTypes, wrongly typed or unknown
 * fields); warnings are accepted-but-suspicious constructs. With `podCIDRs` /
 * `serviceCIDRs`, ipBlocks overlapping cluster ranges get `ipblock-covers-cluster`.
 * Never throws. `parsed`: parsePolicy(policy), when the caller already has it (only read).
 */
export function validatePolicy(policy: unknown, options?: ValidateOptions, parsed: ParsedPolicy = parsePolicy(policy)): PolicyProblem[] {
  const problems = parsed.problems.map((p) => ({ ...p, path: [...p.path] }));
  const o = options && typeof options === 'object' ? options : {};
  const ranges = (list: unknown, kind: string) =>
    (Array.isArray(list) ? list : [])
      .map((t) => ({ text: String(t), c: parseCidr(t), kind }))
      .filter((x) => !!x.c);
  const cluster = [...ranges(o.podCIDRs, 'pod'), ...ranges(o.serviceCIDRs, 'service')];
  if (cluster.length === 0) return problems;

  const visit = (peer: ParsedPeer) => {
    const b = peer.ipBlock;
    if (peer.kind !== 'ipBlock' || !b) return;
    for (const kind of ['pod', 'service']) {
      const hits = cluster.filter((r) => r.kind === kind && r.c!.family === b.cidr.family && intersect(b.allowed, [[r.c!.start, r.c!.end] as Interval]).length > 0);
      if (!hits.length) continue;
      const list = hits.map((h) => h.text).join(', ');
      const sample = intersect(b.allowed, [[hits[0].c!.start, hits[0].c!.end]])[0];
      const message =
        kind === 'pod'
          ? `ipBlock ${b.text} covers the cluster's pod CIDR ${list} (e.g. ${formatIp(b.cidr.family, sample[0])}): whether ipBlock matches pod IPs depends on the network plugin; select pods with podSelector/namespaceSelector instead, or add the pod CIDR to except`
          : `ipBlock ${b.text} covers the cluster's service CIDR ${list}: most network plugins evaluate policies after Service IPs are translated to pod IPs, so this part of the ipBlock has no reliable effect`;
      problems.push({ code: 'ipblock-covers-cluster', severity: 'warning', message, path: [...peer.path, 'ipBlock', 'cidr'] });
    }
  };
  for (const rule of [...parsed.ingress, ...parsed.egress]) if (rule.peers !== 'all') rule.peers.forEach(visit);
  return problems;
}
