/**
 * The cluster OPERATIONS (trace, isolate, release) live in client/src/cluster
 * and register their own commands; the panel calls them by id with the pod
 * and renders what they return. This file is the only place that knows their
 * ids, argument shape and result shape.
 */
import type { EgressTrace } from '../cluster/trace';
import { QUARANTINE_LABEL } from '../cluster/trace';
import { displayText, PanelTrace, PanelTraceConnection } from './messages';

export const OPERATION_COMMANDS = {
  trace: 'k8sGuardrails.cluster.traceEgress',
  isolate: 'k8sGuardrails.cluster.isolatePod',
  release: 'k8sGuardrails.cluster.releasePod',
  generatePolicy: 'k8sGuardrails.cluster.generateEgressPolicy',
} as const;

/** A pod (the operation commands take `{namespace, pod}`). */
export interface PodTarget {
  namespace: string;
  name: string;
}

/** Isolate labels a quarantined pod with QUARANTINE_LABEL (client/src/cluster/trace.ts). */
export function isIsolated(labels: Record<string, string> | undefined): boolean {
  const v = labels?.[QUARANTINE_LABEL];
  return v !== undefined && v !== 'false';
}

function endpoint(e: { address?: string; port?: number } | undefined): string {
  if (!e?.address) return '';
  return e.port ? (e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`) : e.address;
}

function isEgressTrace(v: unknown): v is EgressTrace {
  return !!v && typeof v === 'object' && Array.isArray((v as EgressTrace).connections) && typeof (v as EgressTrace).pod === 'string';
}

/**
 * The trace command's EgressTrace → the panel's view. Every string goes
 * through displayText (control and bidi characters made visible, length cut).
 */
export function toPanelTrace(result: unknown, target: PodTarget): PanelTrace | undefined {
  if (!isEgressTrace(result)) return undefined;
  const connections: PanelTraceConnection[] = result.connections.slice(0, 500).map((c) => {
    const cls = c.remoteClass?.class;
    const p = c.peer;
    const peer = p
      ? `${p.kind === 'hostNetworkPod' ? 'host-network pod' : p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name}`
      : cls === 'public'
        ? `public internet${c.remoteClass.note ? ` (${c.remoteClass.note})` : ''}`
        : cls ?? '';
    const policy = c.policy?.evaluated ? (c.policy.allowed ? 'allowed by policy' : 'denied by policy') : '';
    return {
      direction: displayText(c.direction ?? '', 40),
      protocol: displayText(c.protocol ?? '', 20),
      local: displayText(endpoint(c.local), 80),
      remote: displayText(endpoint(c.remote), 80),
      state: displayText(c.state ?? '', 40),
      peer: displayText([peer, policy].filter(Boolean).join(' — '), 300),
      suspicious: cls === 'public' && c.direction !== 'inbound',
    };
  });
  const pub = connections.filter((c) => c.suspicious).length;
  const notes = [result.observation?.message, result.policies?.internet?.reason, result.policies?.notGoverned, ...(result.warnings ?? [])]
    .filter((x): x is string => typeof x === 'string' && x.length > 0)
    .map((x) => displayText(x, 400));
  const summary = `${connections.length} connection(s) with a remote end, ${pub} outbound to public addresses; egress ${result.policies?.egressIsolated ? 'restricted by NetworkPolicy' : 'NOT restricted by any NetworkPolicy'}.`;
  return { namespace: target.namespace, pod: target.name, at: `taken ${displayText(result.takenAt ?? new Date().toISOString(), 40)}`, summary, connections, notes };
}
