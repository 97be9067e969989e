/**
 * The cluster OPERATIONS (trace, isolate, release) live in client/src/cluster
 * and register their own commands; the panel calls them by id with the pod
 * and renders what they return. This file is the only place that knows their
 * ids, argument shape and result shape.
 */
import { displayText, PanelTrace, PanelTraceConnection } from './messages';

export const OPERATION_COMMANDS = {
  trace: 'k8sGuardrails.cluster.traceEgress',
  isolate: 'k8sGuardrails.cluster.isolatePod',
  release: 'k8sGuardrails.cluster.releasePod',
} as const;

/** Argument passed to every operation command. */
export interface PodTarget {
  namespace: string;
  name: string;
}

/** Labels Isolate puts on a quarantined pod (any key containing "quarantine" counts, value not "false"). */
export function isIsolated(labels: Record<string, string> | undefined): boolean {
  return Object.entries(labels ?? {}).some(([k, v]) => /quarantine/i.test(k) && v !== 'false');
}

type Loose = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

function endpoint(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') {
    const o = v as Loose;
    const ip = str(o.ip ?? o.address ?? o.host);
    const port = str(o.port);
    if (!ip) return '';
    return port ? (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`) : ip;
  }
  return '';
}

/**
 * Converts whatever the trace command returned into the panel's view. Tolerant
 * of shape (connections / sockets / flows arrays of objects); every string is
 * passed through displayText (control and bidi characters made visible).
 */
export function toPanelTrace(result: unknown, target: PodTarget): PanelTrace | undefined {
  if (!result || typeof result !== 'object') return undefined;
  const r = result as Loose;
  const list = (Array.isArray(r.connections) ? r.connections : Array.isArray(r.sockets) ? r.sockets : Array.isArray(r.flows) ? r.flows : []) as unknown[];
  const connections: PanelTraceConnection[] = [];
  for (const c of list.slice(0, 500)) {
    if (!c || typeof c !== 'object') continue;
    const o = c as Loose;
    const remoteClass = o.remoteClass ?? (o.classification as Loose | undefined)?.class ?? o.addressClass ?? o.class;
    const peerObj = o.peer as Loose | string | undefined;
    const peer =
      typeof peerObj === 'string'
        ? peerObj
        : peerObj && typeof peerObj === 'object'
          ? [str(peerObj.kind), [str(peerObj.namespace), str(peerObj.name)].filter(Boolean).join('/'), str(peerObj.description ?? peerObj.label)].filter(Boolean).join(' ')
          : str(o.peerDescription ?? o.destination ?? o.description ?? remoteClass);
    const suspicious = o.suspicious === true || o.public === true || remoteClass === 'public' || o.severity === 'high' || o.risk === 'high';
    connections.push({
      direction: displayText(str(o.direction), 40),
      protocol: displayText(str(o.protocol ?? o.proto ?? o.file), 20),
      local: displayText(endpoint(o.local), 80),
      remote: displayText(endpoint(o.remote), 80),
      state: displayText(str(o.state), 40),
      peer: displayText(peer || (suspicious ? 'public internet' : ''), 200),
      suspicious,
    });
  }
  const notes = (['warnings', 'notes', 'errors'] as const).flatMap((k) => (Array.isArray(r[k]) ? (r[k] as unknown[]).map((x) => displayText(typeof x === 'string' ? x : str((x as Loose)?.message), 400)) : []));
  const pub = connections.filter((c) => c.suspicious).length;
  const summary = str(r.summary) ? displayText(str(r.summary), 400) : `${connections.length} connection(s), ${pub} to public addresses.`;
  return { namespace: target.namespace, pod: target.name, at: new Date().toLocaleString(), summary, connections, notes: notes.filter(Boolean) };
}
