import { Resource } from '../../model';
import { appendTo, editSequence, setIn } from '../../fix/edits';
import { egressToInternet, InternetEgress } from '../../../../../shared/netpol/analysis';
import { parseCidr } from '../../../../../shared/netpol/cidr';
import { isK8sNetworkPolicy, netpolSettings, parsedPolicy } from '../../netpol/workspace';
import { Fix, defineRule } from '../types';
import { NETPOL_DOCS, NETWORK_POLICY_KIND } from './common';

function restrictFix(res: Resource, e: InternetEgress, clusterCIDRs: string[]): Fix | undefined {
  const rulePath = ['spec', 'egress', e.ruleIndex];
  if (e.allDestinations) {
    const v4 = clusterCIDRs.filter((c) => parseCidr(c)?.family === 4);
    const ranges = v4.length ? v4 : clusterCIDRs;
    const edit = setIn(res, [...rulePath, 'to'], ranges.map((c) => ({ ipBlock: { cidr: c } })));
    return edit ? { title: `Restrict to the cluster ranges (${ranges.join(', ')})`, edits: [edit] } : undefined;
  }
  const family = parseCidr(e.cidr)?.family;
  const ranges = clusterCIDRs.filter((c) => parseCidr(c)?.family === family);
  if (!ranges.length) return undefined;
  const peerPath = e.path.slice(0, -2);
  const toPath = peerPath.slice(0, -1);
  const edit = editSequence(res, [
    (r) => setIn(r, [...peerPath, 'ipBlock'], { cidr: ranges[0] }),
    ...ranges.slice(1).map((c) => (r: Resource) => appendTo(r, toPath, { ipBlock: { cidr: c } })),
  ]);
  return edit ? { title: `Restrict to the cluster ranges (${ranges.join(', ')})`, edits: [edit] } : undefined;
}

export default defineRule({
  id: 'netpol-egress-to-internet',
  family: 'netpol',
  title: 'NetworkPolicy allows egress to the internet',
  defaultSeverity: 'warning',
  fix: 'sometimes',
  docs: {
    summary:
      'An egress rule that admits public internet addresses: an `ipBlock` such as `0.0.0.0/0` or `::/0`, or any range that still contains public addresses after `except` (so `0.0.0.0/0` except the RFC 1918 ranges is still internet egress), or a rule without `to` (every destination). The message names the ports it opens. A rule whose ports are all invalid (`port: 1-65535`) is reported too, next to `netpol-invalid-port`: fixing the port would otherwise reveal this finding only afterwards.',
    why:
      'Open egress lets a compromised pod download tooling, reach command-and-control servers and exfiltrate data. Egress should be limited to the cluster ranges and the specific external endpoints the application needs. The quick fix replaces the ipBlock with the cluster ranges (`netpol.clusterCIDRs`, default 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16).',
    insecure: 'egress:\n  - to:\n      - ipBlock:\n          cidr: 0.0.0.0/0',
    hardened: 'egress:\n  - to:\n      - ipBlock:\n          cidr: 10.0.0.0/8\n      - ipBlock:\n          cidr: 172.16.0.0/12\n      - ipBlock:\n          cidr: 192.168.0.0/16',
    references: [NETPOL_DOCS, 'https://www.rfc-editor.org/rfc/rfc1918'],
  },
  kinds: NETWORK_POLICY_KIND,
  checkResource(res, ctx) {
    if (!isK8sNetworkPolicy(res)) return;
    const { clusterCIDRs } = netpolSettings(ctx.settings);
    for (const e of egressToInternet(res.object, parsedPolicy(res))) {
      const allows = e.invalidPorts ? `would allow ${e.ports}` : `allows ${e.ports}`;
      const invalid = e.invalidPorts ? ' (its ports are invalid, so the API server rejects the policy today; this is what it opens once they are fixed)' : '';
      const message = e.allDestinations
        ? `NetworkPolicy ${res.name || '(unnamed)'}: egress rule ${e.ruleIndex} has no \`to\`, so it ${allows} to every destination, including the public internet${invalid}.`
        : `NetworkPolicy ${res.name || '(unnamed)'}: egress rule ${e.ruleIndex} ${allows} to the public internet: ipBlock ${e.cidr} admits public addresses such as ${e.example}${invalid}.`;
      ctx.report({
        resource: res,
        path: e.path,
        message,
        fixes: () => {
          const f = restrictFix(res, e, clusterCIDRs);
          return f ? [f] : [];
        },
      });
    }
  },
});
