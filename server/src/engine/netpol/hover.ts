/**
 * Hover text (markdown) for NetworkPolicy relations: on a workload's `kind` /
 * `metadata.name` line, the policies selecting its pods and its isolation; on
 * a policy's `spec.podSelector`, the workloads it selects.
 */
import { Resource } from '../model';
import type { Position, Range } from '../text';
import type { SnapshotContext } from '../memo';
import { isK8sNetworkPolicy, netpolWorkspace, NpPolicy, NpWorkload } from './workspace';

function link(res: Resource, label: string): string {
  const line = res.range(['metadata', 'name']).start.line + 1;
  const file = res.file.uri.split('/').pop() ?? res.file.uri;
  return `[${label.replace(/[[\]]/g, '\\$&')}](${res.file.uri}#L${line}) (${file}:${line})`;
}

const MAX = 25;

function list<T>(items: readonly T[], fmt: (x: T) => string): string[] {
  const out = items.slice(0, MAX).map((x) => `- ${fmt(x)}`);
  if (items.length > MAX) out.push(`- … and ${items.length - MAX} more`);
  return out;
}

export function workloadHover(nw: ReturnType<typeof netpolWorkspace>, w: NpWorkload): string {
  const res = w.res;
  const lines = [`**NetworkPolicy** — ${res.kind} \`${res.name || '(unnamed)'}\`${w.where === undefined ? '' : ` (pod spec \`${w.where}\`)`} in namespace \`${w.namespace}\``, ''];
  if (w.hostNetwork) lines.push('Uses `hostNetwork`: NetworkPolicy does not govern these pods at all.', '');
  const dir = (name: string, ps: NpPolicy[]) => {
    if (!ps.length) return [`**${name}:** not isolated — no policy selects these pods, all ${name} traffic is allowed.`];
    return [`**${name}:** isolated by ${ps.length} polic${ps.length === 1 ? 'y' : 'ies'} (only what their rules allow):`, ...list(ps, (p) => link(p.res, p.name))];
  };
  lines.push(...dir('Ingress', w.ingress), '', ...dir('Egress', w.egress));
  if (w.egress.length && !w.hostNetwork) {
    const d = nw.dns(w);
    lines.push('', d.udp && d.tcp ? 'DNS (UDP+TCP 53 to kube-dns) is allowed.' : `DNS to kube-dns is **not** allowed (${d.udp ? 'TCP' : d.tcp ? 'UDP' : 'UDP and TCP'} 53 missing).`);
  }
  return lines.join('\n');
}

export function policyHover(nw: ReturnType<typeof netpolWorkspace>, p: NpPolicy): string {
  const selected = nw.selectedBy(p);
  const types = [p.parsed.types.ingress ? 'Ingress' : '', p.parsed.types.egress ? 'Egress' : ''].filter(Boolean).join(', ') || 'none';
  const lines = [`**NetworkPolicy \`${p.name}\`** — effective policyTypes: ${types}`, ''];
  if (!selected.length) lines.push(`Selects no workload of namespace \`${p.namespace}\` in the workspace.`);
  else lines.push(`Selects the pods of ${selected.length} workload${selected.length === 1 ? '' : 's'} in namespace \`${p.namespace}\`:`, ...list(selected, (w) => link(w.res, `${w.res.kind} ${w.res.name || '(unnamed)'}`)));
  return lines.join('\n');
}

/** Markdown for a hover at `position` of `uri`, or undefined when there is nothing NetworkPolicy-related there. */
export function netpolHover(ctx: SnapshotContext, uri: string, position: Position): string | undefined {
  const res = ctx.workspace.resourceAt(uri, position);
  if (!res) return undefined;
  const nw = netpolWorkspace(ctx);
  const pods = nw.workloadsOf(res);
  if (pods.length) {
    const onKind = res.has(['kind']) && res.range(['kind']).start.line === position.line;
    const onName = res.has(['metadata', 'name']) && res.range(['metadata', 'name']).start.line === position.line;
    return onKind || onName ? pods.map((w) => workloadHover(nw, w)).join('\n\n---\n\n') : undefined;
  }
  if (isK8sNetworkPolicy(res)) {
    const p = nw.policy(res);
    if (!p) return undefined;
    const found = res.locate(['spec', 'podSelector']);
    if (!found || found.depth !== res.prefix.length + 2) return undefined;
    const base = res.doc.start;
    const offset = res.file.lines.offset(position);
    const start = base + (found.key?.start ?? found.node.start);
    const end = base + found.node.end;
    const startLine = res.file.lines.position(start).line;
    if ((offset >= start && offset <= end) || position.line === startLine) return policyHover(nw, p);
  }
  return undefined;
}

export interface NetpolLens {
  range: Range;
  title: string;
}

/** CodeLens titles: on each workload, its isolation; on each policy's podSelector, what it selects. */
export function netpolCodeLenses(ctx: SnapshotContext, uri: string): NetpolLens[] {
  const file = ctx.workspace.get(uri);
  if (!file || file.skipped || !file.resources.length) return [];
  const nw = netpolWorkspace(ctx);
  const out: NetpolLens[] = [];
  const isolation = (ps: NpPolicy[]) => (ps.length ? `isolated by ${ps.length} polic${ps.length === 1 ? 'y' : 'ies'}` : 'not isolated');
  for (const res of file.resources) {
    const pods = nw.workloadsOf(res);
    if (pods.length) {
      for (const w of pods) {
        const title = w.hostNetwork
          ? 'NetworkPolicy: hostNetwork pods are not governed by policies'
          : `NetworkPolicy — ingress: ${isolation(w.ingress)} · egress: ${isolation(w.egress)}`;
        out.push({ range: res.range(res.has(['metadata', 'name']) ? ['metadata', 'name'] : []), title: w.where === undefined ? title : `${title} (${w.where})` });
      }
    } else if (isK8sNetworkPolicy(res)) {
      const p = nw.policy(res);
      if (!p) continue;
      const n = nw.selectedBy(p).length;
      out.push({ range: res.range(['spec', 'podSelector']), title: `selects ${n} workload${n === 1 ? '' : 's'} in namespace ${p.namespace}` });
    }
  }
  return out;
}
