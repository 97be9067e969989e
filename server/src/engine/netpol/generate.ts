/**
 * Generators: NetworkPolicy documents (default deny, DNS egress, internet
 * egress lockdown) as YAML text, and edits appending them to a file.
 */
import { SourceFile } from '../model';
import type { Fix, TextEdit } from '../rules/types';
import type { NetpolWorkspace } from './workspace';
import { commentText, yamlString as quote } from '../yaml/quote';

function header(name: string, namespace: string, comment: string): string[] {
  return [`# ${commentText(comment)}`, 'apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata:', `  name: ${quote(name)}`, `  namespace: ${quote(namespace)}`, 'spec:'];
}

function podSelectorLines(labels: Record<string, string> | undefined): string[] {
  const entries = Object.entries(labels ?? {});
  if (!entries.length) return ['  podSelector: {}'];
  return ['  podSelector:', '    matchLabels:', ...entries.map(([k, v]) => `      ${quote(k)}: ${quote(v)}`)];
}

export function defaultDenyYaml(name: string, namespace: string, directions: { ingress: boolean; egress: boolean }): string {
  const types = [directions.ingress ? 'Ingress' : undefined, directions.egress ? 'Egress' : undefined].filter(Boolean);
  const what = types.length === 2 ? 'all ingress and egress' : `all ${types[0]!.toLowerCase()}`;
  return [...header(name, namespace, `Default deny: ${what} for every pod in ${namespace}; allow traffic with further policies`), '  podSelector: {}', '  policyTypes:', ...types.map((t) => `    - ${t}`), ''].join('\n');
}

export const KUBE_DNS_PEER = [
  '        - namespaceSelector:',
  '            matchLabels:',
  '              kubernetes.io/metadata.name: kube-system',
  '          podSelector:',
  '            matchLabels:',
  '              k8s-app: kube-dns',
];

export function dnsEgressYaml(name: string, namespace: string, labels?: Record<string, string>): string {
  return [
    ...header(name, namespace, 'Allow DNS (UDP and TCP 53) to kube-dns in kube-system'),
    ...podSelectorLines(labels),
    '  policyTypes:',
    '    - Egress',
    '  egress:',
    '    - to:',
    ...KUBE_DNS_PEER,
    '      ports:',
    '        - protocol: UDP',
    '          port: 53',
    '        - protocol: TCP',
    '          port: 53',
    '',
  ].join('\n');
}

export function internetEgressLockdownYaml(name: string, namespace: string, clusterCIDRs: string[]): string {
  return [
    ...header(name, namespace, `Egress only inside the cluster (all pods, and ${clusterCIDRs.join(', ')}): no internet`),
    '  podSelector: {}',
    '  policyTypes:',
    '    - Egress',
    '  egress:',
    '    - to:',
    '        - namespaceSelector: {}',
    ...clusterCIDRs.flatMap((c) => ['        - ipBlock:', `            cidr: ${c}`]),
    '',
  ].join('\n');
}

/** An edit appending YAML documents at the end of a file (separated by `---`). */
export function appendDocuments(file: SourceFile, docs: string[]): TextEdit {
  const text = file.text;
  const end = file.lines.position(text.length);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const blank = text.trim() === '';
  let prefix = blank ? '' : text.endsWith('\n') ? '' : eol;
  if (!blank) prefix += `---${eol}`;
  const body = docs.map((d) => d.replace(/\n/g, eol)).join(`---${eol}`);
  return { uri: file.uri, range: { start: end, end }, newText: prefix + body };
}

/** A policy name not yet used in the namespace. */
export function uniqueName(nw: NetpolWorkspace, namespace: string, base: string): string {
  const taken = new Set(nw.policiesIn(namespace).map((p) => p.name));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

/** Whether some policy of the namespace selecting all pods already allows DNS egress. */
export function namespaceAllowsDns(nw: NetpolWorkspace, namespace: string): boolean {
  return nw.policiesIn(namespace).some((p) => p.parsed.podSelector.valid && p.parsed.podSelector.requirements.length === 0 && (({ udp, tcp }) => udp && tcp)(nw.policyDns(p)));
}

/** The documents of "Add default-deny NetworkPolicy": the deny policy, plus DNS egress when egress gets denied. */
export function defaultDenyDocs(nw: NetpolWorkspace, namespace: string, directions: { ingress: boolean; egress: boolean }): string[] {
  const base = directions.ingress && directions.egress ? 'default-deny-all' : directions.ingress ? 'default-deny-ingress' : 'default-deny-egress';
  const docs = [defaultDenyYaml(uniqueName(nw, namespace, base), namespace, directions)];
  if (directions.egress && !namespaceAllowsDns(nw, namespace)) docs.push(dnsEgressYaml(uniqueName(nw, namespace, 'allow-dns-egress'), namespace));
  return docs;
}

export function defaultDenyFix(nw: NetpolWorkspace, file: SourceFile, namespace: string, directions: { ingress: boolean; egress: boolean }, preferred = false): Fix {
  const docs = defaultDenyDocs(nw, namespace, directions);
  const what = directions.ingress && directions.egress ? '' : directions.ingress ? ' (ingress)' : ' (egress)';
  return {
    title: `Add default-deny NetworkPolicy${what} for namespace ${namespace}${docs.length > 1 ? ' (and allow DNS egress)' : ''}`,
    edits: [appendDocuments(file, docs)],
    preferred,
  };
}

export function internetLockdownFix(nw: NetpolWorkspace, file: SourceFile, namespace: string): Fix {
  const doc = internetEgressLockdownYaml(uniqueName(nw, namespace, 'deny-internet-egress'), namespace, nw.settings.clusterCIDRs);
  return { title: `Deny egress to the internet except cluster ranges for namespace ${namespace}`, edits: [appendDocuments(file, [doc])] };
}

/**
 * The text of "Add default-deny NetworkPolicy" for a namespace (the directions
 * still missing a default deny, or both), for the `generateDefaultDeny` command.
 */
export function defaultDenyText(nw: NetpolWorkspace, namespace: string): string {
  const deny = nw.defaultDeny(namespace);
  let dirs = { ingress: !deny.ingress.length, egress: !deny.egress.length };
  if (!dirs.ingress && !dirs.egress) dirs = { ingress: true, egress: true };
  return defaultDenyDocs(nw, namespace, dirs).join('---\n');
}
