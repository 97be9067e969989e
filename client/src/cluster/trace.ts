/**
 * Egress trace of a live pod:
 *  (a) what its NetworkPolicies allow (the netpol engine over live namespaces/pods/policies),
 *  (b) what it actually talks to (/proc/net/{tcp,tcp6,udp,udp6} read through pods/exec),
 *      each remote classified and matched to pods/Services/nodes, with the policy verdict,
 *  (c) a NetworkPolicy permitting exactly the observed in-cluster + DNS egress (for review).
 * Plain node (no vscode).
 */
import * as yaml from 'js-yaml';
import * as k8s from '@kubernetes/client-node';
import { NetworkModel, PodInfo, Protocol, dnsAccess, egressToInternet, parsePolicy, selectorMatches, describePorts, policyNamespace } from '../../../shared/netpol';
import { ClusterSession, describeApiError, req, throwIfAborted, CancelledError } from './connection';
import { DEBUG_CONTAINER_WARNING, ExecError, addDebugContainer, execInPod } from './exec';
import { ClusterSnapshot, activePods, buildModel, loadSnapshot, matchLabelsSelects, podInfo } from './live';
import { ClassifiedAddress, Endpoint, PROC_NET_FILES, ProcNetFile, ProcNetSocket, classifyAddress, normalizeIp, parseProcNet } from './procnet';

export const QUARANTINE_LABEL = 'k8s-guardrails.io/quarantine';
export const ORIGINAL_LABELS_ANNOTATION = 'k8s-guardrails.io/original-labels';

export interface PolicyRef { namespace: string; name: string }
export interface PodRef { namespace: string; name: string; labels: Record<string, string>; ips: string[] }

export type AllowedPeer =
  | { kind: 'pods'; description: string; namespaces: string[]; pods: PodRef[] }
  | { kind: 'ipBlock'; description: string; cidr: string; except: string[] }
  | { kind: 'all'; description: string };

export interface AllowedEgressRule {
  policy: PolicyRef;
  ruleIndex: number;
  /** e.g. "UDP 53, TCP 53" or "all ports". */
  ports: string;
  to: AllowedPeer[];
}

export interface PolicyView {
  /** Policies selecting the pod for egress (it is egress-isolated iff non-empty). */
  egressPolicies: PolicyRef[];
  ingressPolicies: PolicyRef[];
  egressIsolated: boolean;
  ingressIsolated: boolean;
  /** Rules that allow egress (empty when not isolated: everything is allowed). */
  rules: AllowedEgressRule[];
  internet: { reachable: boolean; reason: string };
  dns: { udp: boolean; tcp: boolean };
  /** hostNetwork pods are not governed by NetworkPolicy. */
  notGoverned?: string;
}

export type ObservationStatus = 'ok' | 'partial' | 'distroless' | 'forbidden' | 'notRunning' | 'failed';

export interface DebugOffer {
  reason: string;
  warning: string;
  defaultImage: string;
  targetContainerName: string;
}

export interface Observation {
  status: ObservationStatus;
  message: string;
  /** The container the files were read in. */
  container?: string;
  /** Raw text of each file read (evidence). */
  raw: Partial<Record<ProcNetFile, string>>;
  /** Files that do not exist in the container (e.g. no IPv6). */
  missing: ProcNetFile[];
  skippedLines: string[];
  debugOffer?: DebugOffer;
  /**
   * Where the text came from: an ephemeral debug container (the debug image's own `cat`; the kernel's
   * /proc/net of the pod's network namespace) or a container of the pod itself (the suspect's own binaries).
   */
  source?: 'debug-container' | 'pod-container';
  /** Set when the text came from the suspect's own tools: why, in words (also in the trace's warnings and the evidence). */
  trustWarning?: string;
}

export type PeerKind = 'pod' | 'hostNetworkPod' | 'service' | 'node' | 'self';

export interface PeerMatch {
  kind: PeerKind;
  namespace?: string;
  name: string;
  labels?: Record<string, string>;
  /** For a Service: its backend pods. */
  backends?: PodRef[];
  /** For a Service: the backend port the connection's Service port maps to. */
  targetPort?: number | string;
}

export interface TracedConnection {
  protocol: 'TCP' | 'UDP';
  file: ProcNetFile;
  state: string;
  local: Endpoint;
  remote: Endpoint;
  /** outbound: the pod initiated it; inbound: to one of its listening ports; local: loopback / own address. */
  direction: 'outbound' | 'inbound' | 'local';
  remoteClass: ClassifiedAddress;
  peer?: PeerMatch;
  /** Whether the current NetworkPolicies allow this connection (both sides, per the engine). */
  policy: { evaluated: boolean; allowed?: boolean; reason: string };
  raw: string;
}

export interface EgressTrace {
  namespace: string;
  pod: string;
  /** ISO time the trace was taken. */
  takenAt: string;
  podIPs: string[];
  node?: string;
  hostNetwork: boolean;
  labels: Record<string, string>;
  /** Labels before quarantine (from the annotation), if the pod is quarantined. */
  originalLabels?: Record<string, string>;
  owner?: { kind: string; name: string };
  policies: PolicyView;
  observation: Observation;
  /** Every socket read. */
  sockets: ProcNetSocket[];
  /** Sockets with a remote end (not LISTEN / unconnected). */
  connections: TracedConnection[];
  /** LISTEN TCP sockets and bound unconnected UDP sockets. */
  listening: Endpoint[] ;
  warnings: string[];
}

export interface TraceOptions {
  signal?: AbortSignal;
  /** Read /proc/net in this container (e.g. a debug container); default: try the pod's containers. */
  container?: string;
  execTimeoutMs?: number;
  /** Reuse a snapshot (tests / the isolate flow). */
  snapshot?: ClusterSnapshot;
  /** Image of the ephemeral debug container (default busybox:1.36). */
  debugImage?: string;
  /**
   * Read /proc/net from an ephemeral debug container in the pod's network namespace (default true): the
   * suspect's binaries are not trusted. If the cluster refuses it, the pod's own containers are used with a warning.
   */
  debugContainer?: boolean;
  /** How long to wait for the debug container to run (default 30000 ms). */
  debugWaitMs?: number;
}

/** Ephemeral containers added by k8s-guardrails (exec.ts names them so). */
export const DEBUG_CONTAINER_PREFIX = 'guardrails-debug-';

const STABLE_LABEL_EXCLUDES = new Set(['pod-template-hash', 'controller-revision-hash', 'statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index', 'batch.kubernetes.io/controller-uid', 'controller-uid', QUARANTINE_LABEL]);

/** Labels that identify the workload rather than this pod instance. */
export function stableLabels(labels: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels ?? {})) if (!STABLE_LABEL_EXCLUDES.has(k)) out[k] = v;
  return out;
}

function ref(p: k8s.V1Pod): PodRef {
  const i = podInfo(p);
  return { namespace: i.namespace, name: i.name, labels: i.labels, ips: i.ips ?? [] };
}

function fmtLabels(l: Record<string, string>): string {
  const e = Object.entries(l);
  return e.length ? e.map(([k, v]) => `${k}=${v}`).join(',') : '(all)';
}

// ---------------------------------------------------------------------------------------------
// (a) policies

export function policyView(model: NetworkModel, snap: ClusterSnapshot, self: PodInfo): PolicyView {
  if (self.hostNetwork) {
    return {
      egressPolicies: [], ingressPolicies: [], egressIsolated: false, ingressIsolated: false, rules: [],
      internet: { reachable: true, reason: 'hostNetwork pod: NetworkPolicy does not apply; it uses the node\'s network' },
      dns: { udp: true, tcp: true },
      notGoverned: 'The pod uses hostNetwork: NetworkPolicies do not govern its traffic (it is the node\'s traffic).',
    };
  }
  const sel = model.policiesSelecting(self);
  const toRef = (p: { name: string; namespace: string }): PolicyRef => ({ namespace: p.namespace, name: p.name });
  const pods = activePods(snap.pods);
  const rules: AllowedEgressRule[] = [];
  for (const p of sel.egress) {
    const parsed = parsePolicy(p.object);
    const pns = policyNamespace(p);
    for (const rule of parsed.egress) {
      const ports = describePorts(rule.ports);
      if (rule.peers === 'all') { rules.push({ policy: toRef(p), ruleIndex: rule.index, ports, to: [{ kind: 'all', description: 'all destinations (pods, nodes, internet)' }] }); continue; }
      const to: AllowedPeer[] = [];
      for (const peer of rule.peers) {
        if (peer.kind === 'ipBlock' && peer.ipBlock) {
          to.push({ kind: 'ipBlock', cidr: peer.ipBlock.text, except: peer.ipBlock.except.map((e) => e.canonical), description: `ipBlock ${peer.ipBlock.text}${peer.ipBlock.except.length ? ` except ${peer.ipBlock.except.map((e) => e.canonical).join(', ')}` : ''}` });
          continue;
        }
        if (peer.kind !== 'selector') continue;
        const nsMatches = (ns: string) => (peer.namespaceSelector ? selectorMatches(peer.namespaceSelector, model.namespaceLabels(ns)) : ns === pns);
        const allNs = new Set<string>([...model.namespaces.keys(), ...pods.map((x) => x.metadata?.namespace ?? '')]);
        const namespaces = [...allNs].filter((n) => n && nsMatches(n)).sort();
        const matched = pods.filter((x) => x.spec?.hostNetwork !== true && nsMatches(x.metadata?.namespace ?? '') && (!peer.podSelector || selectorMatches(peer.podSelector, x.metadata?.labels ?? {}))).map(ref);
        const podPart = peer.podSelector ? `pods ${peer.podSelector.requirements.length ? describeSelector(p.object, rule.index, peer.index, 'podSelector') : '(all)'}` : 'all pods';
        const nsPart = peer.namespaceSelector ? `in namespaces [${namespaces.join(', ')}]` : `in namespace ${pns}`;
        to.push({ kind: 'pods', namespaces, pods: matched, description: `${podPart} ${nsPart} — ${matched.length} live pod(s)${matched.length ? ': ' + matched.slice(0, 8).map((m) => `${m.namespace}/${m.name}`).join(', ') + (matched.length > 8 ? ', …' : '') : ''}` });
      }
      rules.push({ policy: toRef(p), ruleIndex: rule.index, ports, to });
    }
  }
  const egressIsolated = sel.egress.length > 0;
  let internet: PolicyView['internet'];
  if (!egressIsolated) internet = { reachable: true, reason: 'no NetworkPolicy selects the pod for Egress: all egress is allowed, including the internet' };
  else {
    const hits = sel.egress.flatMap((p) => egressToInternet(p.object).map((h) => `${p.namespace}/${p.name} rule ${h.ruleIndex} (${h.cidr}, ${h.ports})`));
    internet = hits.length ? { reachable: true, reason: `allowed by ${hits.join('; ')}` } : { reachable: false, reason: 'no egress rule admits public addresses' };
  }
  return {
    egressPolicies: sel.egress.map(toRef),
    ingressPolicies: sel.ingress.map(toRef),
    egressIsolated,
    ingressIsolated: sel.ingress.length > 0,
    rules,
    internet,
    dns: dnsAccess(model, self),
  };
}

function describeSelector(policy: any, ruleIndex: number, peerIndex: number, field: 'podSelector'): string {
  const raw = policy?.spec?.egress?.[ruleIndex]?.to?.[peerIndex]?.[field];
  const parts: string[] = [];
  for (const [k, v] of Object.entries(raw?.matchLabels ?? {})) parts.push(`${k}=${String(v)}`);
  for (const e of raw?.matchExpressions ?? []) parts.push(`${e.key} ${e.operator}${Array.isArray(e.values) ? ` (${e.values.join(',')})` : ''}`);
  return parts.join(',') || '(all)';
}

// ---------------------------------------------------------------------------------------------
// (b) observation

function containerOrder(pod: k8s.V1Pod, preferred?: string): string[] {
  if (preferred) return [preferred];
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  const def = pod.metadata?.annotations?.['kubectl.kubernetes.io/default-container'];
  const ordered = def && names.includes(def) ? [def, ...names.filter((n) => n !== def)] : names;
  const running = new Set((pod.status?.containerStatuses ?? []).filter((s) => s.state?.running).map((s) => s.name));
  const runningFirst = [...ordered.filter((n) => running.has(n) || running.size === 0), ...ordered.filter((n) => running.size > 0 && !running.has(n))];
  // Debug containers added earlier share the network namespace: try them last.
  const eph = (pod.status?.ephemeralContainerStatuses ?? []).filter((s) => s.state?.running).map((s) => s.name).reverse();
  return [...runningFirst, ...eph];
}

type ReadAttempt = { kind: 'ok'; obs: Observation } | { kind: 'noBinary' } | { kind: 'fatal'; obs: Observation };

/** Reads the four files with `cat` in container `c`. */
async function readIn(session: ClusterSession, pod: k8s.V1Pod, c: string, opts: TraceOptions, offer: (reason: string) => DebugOffer): Promise<ReadAttempt> {
  const ns = pod.metadata?.namespace ?? 'default';
  const name = pod.metadata?.name ?? '';
  const raw: Partial<Record<ProcNetFile, string>> = {};
  const missing: ProcNetFile[] = [];
  let first: { stdout: string; stderr: string; exitCode: number | undefined };
  try {
    first = await execInPod(session, ns, name, c, ['cat', '/proc/net/tcp'], { signal: opts.signal, timeoutMs: opts.execTimeoutMs });
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    if (e instanceof ExecError) {
      if (e.kind === 'executableNotFound' || e.kind === 'containerNotRunning') return { kind: 'noBinary' };
      if (e.kind === 'forbidden') {
        return { kind: 'fatal', obs: { status: 'forbidden', message: `${e.message} Without pods/exec the pod's sockets cannot be read. A debug container would need "patch" on pods/ephemeralcontainers and the same exec right.`, raw, missing, skippedLines: [], debugOffer: offer('no permission to exec into the pod') } };
      }
      if (e.kind === 'cancelled') throw new CancelledError('trace');
      return { kind: 'fatal', obs: { status: 'failed', message: e.message, raw, missing, skippedLines: [] } };
    }
    return { kind: 'fatal', obs: { status: 'failed', message: describeApiError(e, { verb: 'exec', resource: 'pods/exec', namespace: ns, name, server: session.server }), raw, missing, skippedLines: [] } };
  }
  const files: [ProcNetFile, { stdout: string; stderr: string; exitCode: number | undefined }][] = [['tcp', first]];
  try {
    for (const f of PROC_NET_FILES.slice(1)) files.push([f, await execInPod(session, ns, name, c, ['cat', `/proc/net/${f}`], { signal: opts.signal, timeoutMs: opts.execTimeoutMs })]);
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    return { kind: 'fatal', obs: { status: 'failed', message: `Reading /proc/net in container "${c}" failed half-way: ${msg}`, container: c, raw, missing, skippedLines: [] } };
  }
  for (const [f, r] of files) {
    if (r.exitCode === 0) raw[f] = r.stdout;
    else if (/No such file|can't open|cannot open/i.test(r.stderr) || r.exitCode === 1) missing.push(f);
  }
  if (Object.keys(raw).length === 0) {
    return { kind: 'fatal', obs: { status: 'failed', message: `Container "${c}" has "cat" but none of /proc/net/tcp, tcp6, udp, udp6 could be read.`, container: c, raw, missing, skippedLines: [] } };
  }
  return { kind: 'ok', obs: { status: missing.includes('tcp') ? 'partial' : 'ok', message: '', container: c, raw, missing, skippedLines: [] } };
}

function isOurDebugContainer(pod: k8s.V1Pod, c: string): boolean {
  return c.startsWith(DEBUG_CONTAINER_PREFIX) && (pod.spec?.ephemeralContainers ?? []).some((e) => e.name === c);
}

export async function readProcNet(session: ClusterSession, pod: k8s.V1Pod, opts: TraceOptions = {}): Promise<Observation> {
  const ns = pod.metadata?.namespace ?? 'default';
  const name = pod.metadata?.name ?? '';
  const target = pod.metadata?.annotations?.['kubectl.kubernetes.io/default-container'] ?? pod.spec?.containers?.[0]?.name ?? '';
  const offer = (reason: string): DebugOffer => ({ reason, warning: DEBUG_CONTAINER_WARNING, defaultImage: opts.debugImage ?? 'busybox:1.36', targetContainerName: target });
  const describe = (obs: Observation, c: string, notes: string[]) => {
    const missing = obs.missing.length ? [`missing: ${obs.missing.map((m) => '/proc/net/' + m).join(', ')}`] : [];
    return `Read /proc/net/{${Object.keys(obs.raw).join(',')}} in container "${c}" (the whole pod network namespace)${[...notes, ...missing].length ? '; ' + [...notes, ...missing].join('; ') : ''}.`;
  };

  // 1. An ephemeral debug container: its own `cat`, in the pod's network namespace.
  let noDebug: string | undefined;
  if (opts.container === undefined && opts.debugContainer !== false) {
    const running = new Set((pod.status?.ephemeralContainerStatuses ?? []).filter((s) => s.state?.running).map((s) => s.name));
    let dbg = (pod.spec?.ephemeralContainers ?? []).map((c) => c.name).reverse().find((c) => c.startsWith(DEBUG_CONTAINER_PREFIX) && running.has(c));
    const notes: string[] = [];
    if (!dbg) {
      try {
        const d = await addDebugContainer(session, ns, name, { image: opts.debugImage, signal: opts.signal, waitMs: opts.debugWaitMs ?? 30000 });
        dbg = d.name;
        notes.push(`ephemeral debug container "${d.name}" (${d.image}) added for this — it stays in the pod spec until the pod is deleted`);
      } catch (e) {
        if (e instanceof CancelledError) throw e;
        noDebug = `the debug container could not be added (${e instanceof Error ? e.message : String(e)})`;
      }
    }
    if (dbg) {
      const r = await readIn(session, pod, dbg, opts, offer);
      if (r.kind === 'ok') return { ...r.obs, source: 'debug-container', message: describe(r.obs, dbg, ['with the debug image\'s own tools, not the pod\'s', ...notes]) };
      noDebug = r.kind === 'fatal' ? `reading in the debug container "${dbg}" failed (${r.obs.message})` : `the debug container "${dbg}" has no "cat"`;
      if (r.kind === 'fatal' && r.obs.status === 'forbidden') return r.obs;
    }
  }

  // 2. The pod's own containers (a chosen one, or each in turn).
  const containers = containerOrder(pod, opts.container);
  const noBinary: string[] = [];
  for (const c of containers) {
    throwIfAborted(opts.signal, 'trace');
    const r = await readIn(session, pod, c, opts, offer);
    if (r.kind === 'noBinary') { noBinary.push(c); continue; }
    if (r.kind === 'fatal') return r.obs;
    const trusted = isOurDebugContainer(pod, c);
    const notes = noBinary.length ? [`container(s) ${noBinary.join(', ')} have no "cat" (distroless); read in "${c}" instead`] : [];
    const trustWarning = trusted ? undefined : `The /proc/net text was read with the pod's own binaries ("cat" in container "${c}"): a compromised container can forge it, so the connections listed may be incomplete or false${noDebug ? `; ${noDebug}` : opts.debugContainer === false || opts.container !== undefined ? '; no debug container was requested' : ''}.`;
    return { ...r.obs, source: trusted ? 'debug-container' : 'pod-container', ...(trustWarning ? { trustWarning } : {}), message: describe(r.obs, c, notes) };
  }
  if (noBinary.length) {
    return {
      status: 'distroless',
      message: `Cannot read the pod's sockets: no container of pod "${name}" has a "cat" binary (${noBinary.join(', ')}: distroless/scratch image or not running)${noDebug ? ` and ${noDebug}` : ''}. An ephemeral debug container (e.g. busybox) shares the pod's network namespace and can read them.`,
      raw: {}, missing: [], skippedLines: [], debugOffer: offer('the image has no shell or cat (distroless)'),
    };
  }
  return { status: 'failed', message: `Pod "${name}" has no container to exec into.${noDebug ? ` And ${noDebug}.` : ''}`, raw: {}, missing: [], skippedLines: [] };
}

// ---------------------------------------------------------------------------------------------
// matching and verdicts

interface Index {
  podsByIp: Map<string, k8s.V1Pod[]>;
  servicesByIp: Map<string, k8s.V1Service>;
  nodesByIp: Map<string, k8s.V1Node>;
}

function buildIndex(snap: ClusterSnapshot): Index {
  const podsByIp = new Map<string, k8s.V1Pod[]>();
  for (const p of activePods(snap.pods)) {
    for (const ip of podInfo(p).ips ?? []) {
      const k = normalizeIp(ip);
      const list = podsByIp.get(k) ?? [];
      list.push(p);
      podsByIp.set(k, list);
    }
  }
  for (const list of podsByIp.values()) list.sort((a, b) => Number(a.spec?.hostNetwork === true) - Number(b.spec?.hostNetwork === true));
  const servicesByIp = new Map<string, k8s.V1Service>();
  for (const s of snap.services) {
    const ips = [...(s.spec?.clusterIPs ?? []), s.spec?.clusterIP, ...(s.spec?.externalIPs ?? []), ...(s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip)];
    for (const ip of ips) if (ip && ip !== 'None') servicesByIp.set(normalizeIp(ip), s);
  }
  const nodesByIp = new Map<string, k8s.V1Node>();
  for (const n of snap.nodes) for (const a of n.status?.addresses ?? []) if (a.type === 'InternalIP' || a.type === 'ExternalIP') nodesByIp.set(normalizeIp(a.address), n);
  return { podsByIp, servicesByIp, nodesByIp };
}

function serviceBackends(snap: ClusterSnapshot, svc: k8s.V1Service): k8s.V1Pod[] {
  const sel = svc.spec?.selector;
  if (!sel || !Object.keys(sel).length) return [];
  return activePods(snap.pods).filter((p) => p.metadata?.namespace === svc.metadata?.namespace && matchLabelsSelects(sel, p.metadata?.labels));
}

/** The Service port a connection to `port` hits → its targetPort (number or name). */
function targetPortOf(svc: k8s.V1Service, port: number, protocol: string): number | string | undefined {
  const sp = (svc.spec?.ports ?? []).find((p) => p.port === port && (p.protocol ?? 'TCP') === protocol);
  if (!sp) return undefined;
  const t = sp.targetPort as unknown;
  if (t === undefined || t === null || t === '') return sp.port;
  if (typeof t === 'number') return t;
  if (typeof t === 'string' && /^\d+$/.test(t)) return Number(t);
  return String(t);
}

function matchPeer(idx: Index, snap: ClusterSnapshot, self: k8s.V1Pod, address: string): PeerMatch | undefined {
  const key = normalizeIp(address);
  const selfIps = new Set((podInfo(self).ips ?? []).map(normalizeIp));
  if (selfIps.has(key)) return { kind: 'self', namespace: self.metadata?.namespace, name: self.metadata?.name ?? '' };
  const pods = idx.podsByIp.get(key);
  if (pods?.length) {
    const p = pods[0];
    return { kind: p.spec?.hostNetwork ? 'hostNetworkPod' : 'pod', namespace: p.metadata?.namespace, name: p.metadata?.name ?? '', labels: { ...(p.metadata?.labels ?? {}) } };
  }
  const svc = idx.servicesByIp.get(key);
  if (svc) return { kind: 'service', namespace: svc.metadata?.namespace, name: svc.metadata?.name ?? '', labels: { ...(svc.spec?.selector ?? {}) }, backends: serviceBackends(snap, svc).map(ref) };
  const node = idx.nodesByIp.get(key);
  if (node) return { kind: 'node', name: node.metadata?.name ?? '', labels: { ...(node.metadata?.labels ?? {}) } };
  return undefined;
}

function verdict(model: NetworkModel, snap: ClusterSnapshot, self: k8s.V1Pod, c: Omit<TracedConnection, 'policy'>): TracedConnection['policy'] {
  const me = podInfo(self);
  if (me.hostNetwork) return { evaluated: false, reason: 'hostNetwork pod: NetworkPolicy does not apply' };
  if (c.direction === 'local') return { evaluated: false, reason: 'loopback / own address: not subject to NetworkPolicy' };
  const proto = c.protocol as Protocol;
  const findPod = (m: PeerMatch | undefined) => (m && (m.kind === 'pod' || m.kind === 'hostNetworkPod') ? activePods(snap.pods).find((p) => p.metadata?.namespace === m.namespace && p.metadata?.name === m.name) : undefined);
  if (c.direction === 'inbound') {
    const src = findPod(c.peer);
    const v = model.allowed(src ? { kind: 'pod', pod: podInfo(src) } : { kind: 'ip', ip: c.remoteClass.address }, { kind: 'pod', pod: me }, c.local.port, proto);
    return { evaluated: true, allowed: v.allowed, reason: `inbound ${proto} ${c.local.port}: ${v.reason}` };
  }
  // outbound
  if (c.peer?.kind === 'service') {
    const svc = snap.services.find((s) => s.metadata?.namespace === c.peer!.namespace && s.metadata?.name === c.peer!.name)!;
    const backends = serviceBackends(snap, svc);
    const tp = targetPortOf(svc, c.remote.port, proto);
    if (!backends.length || tp === undefined) {
      const v = model.allowed({ kind: 'pod', pod: me }, { kind: 'ip', ip: c.remoteClass.address }, c.remote.port, proto);
      return { evaluated: true, allowed: v.allowed, reason: `Service ${c.peer.namespace}/${c.peer.name} ${backends.length ? `has no ${proto} port ${c.remote.port}` : 'has no live backends'}; evaluated as an IP: ${v.reason}` };
    }
    const results = backends.map((b) => ({ b, v: model.allowed({ kind: 'pod', pod: me }, { kind: 'pod', pod: podInfo(b) }, tp, proto) }));
    const ok = results.filter((r) => r.v.allowed);
    const allowed = ok.length === results.length;
    const reason = allowed
      ? `via Service ${c.peer.namespace}/${c.peer.name} → ${results.length} backend(s) on ${proto} ${tp}: ${results[0].v.reason}`
      : `via Service ${c.peer.namespace}/${c.peer.name} → ${ok.length}/${results.length} backend(s) allowed on ${proto} ${tp}; e.g. ${results.find((r) => !r.v.allowed)!.b.metadata?.name}: ${results.find((r) => !r.v.allowed)!.v.reason}`;
    return { evaluated: true, allowed, reason };
  }
  const dst = findPod(c.peer);
  const v = model.allowed({ kind: 'pod', pod: me }, dst ? { kind: 'pod', pod: podInfo(dst) } : { kind: 'ip', ip: c.remoteClass.address }, c.remote.port, proto);
  return { evaluated: true, allowed: v.allowed, reason: v.reason };
}

/** Turns parsed sockets into classified, matched, evaluated connections (pure). */
export function analyzeSockets(sockets: ProcNetSocket[], self: k8s.V1Pod, snap: ClusterSnapshot, model: NetworkModel): { connections: TracedConnection[]; listening: Endpoint[] } {
  const idx = buildIndex(snap);
  const listening: Endpoint[] = [];
  const listenPorts = new Set<string>();
  for (const s of sockets) {
    const unconnected = s.remote.port === 0 && classifyAddress(s.remote.address).class === 'unspecified';
    if ((s.protocol === 'TCP' && s.state === 'LISTEN') || (s.protocol === 'UDP' && unconnected)) {
      listening.push({ address: normalizeIp(s.local.address), port: s.local.port });
      listenPorts.add(`${s.protocol}/${s.local.port}`);
    }
  }
  const connections: TracedConnection[] = [];
  for (const s of sockets) {
    if (s.protocol === 'TCP' && s.state === 'LISTEN') continue;
    const rc = classifyAddress(s.remote.address);
    if (rc.class === 'unspecified' && s.remote.port === 0) continue;
    const peer = matchPeer(idx, snap, self, rc.address);
    if (peer?.kind === 'service') {
      const svc = snap.services.find((x) => x.metadata?.namespace === peer.namespace && x.metadata?.name === peer.name);
      const backend = svc ? serviceBackends(snap, svc)[0] : undefined;
      const tp = svc ? servicePortToTarget(svc, backend, s.remote.port, s.protocol) : undefined;
      if (tp !== undefined) peer.targetPort = tp;
    }
    const local: Endpoint = { address: normalizeIp(s.local.address), port: s.local.port };
    const remote: Endpoint = { address: rc.address, port: s.remote.port };
    const direction: TracedConnection['direction'] = rc.class === 'loopback' || peer?.kind === 'self' ? 'local' : s.protocol === 'TCP' && listenPorts.has(`TCP/${s.local.port}`) ? 'inbound' : 'outbound';
    const base = { protocol: s.protocol, file: s.file, state: s.state, local, remote, direction, remoteClass: rc, ...(peer ? { peer } : {}), raw: s.raw };
    connections.push({ ...base, policy: verdict(model, snap, self, base) });
  }
  return { connections, listening };
}

// ---------------------------------------------------------------------------------------------
// trace

async function readPod(session: ClusterSession, namespace: string, name: string, signal?: AbortSignal): Promise<k8s.V1Pod> {
  try {
    return await req(session, signal, (o) => session.core.readNamespacedPod({ name, namespace }, o));
  } catch (e) {
    throw new Error(describeApiError(e, { verb: 'get', resource: 'pods', namespace, name, server: session.server }));
  }
}

/** A trace that cannot start or finish fails with this error: which step, why, and that nothing changed. */
export class TraceError extends Error {
  constructor(readonly pod: string, readonly step: string, reason: string, override readonly cause?: unknown) {
    super(`Egress trace of pod ${pod} failed at step "${step}": ${reason} Nothing in the cluster was changed (a trace only reads).`);
    this.name = 'TraceError';
  }
}

export async function traceEgress(session: ClusterSession, namespace: string, podName: string, opts: TraceOptions = {}): Promise<EgressTrace> {
  const step = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      if (e instanceof CancelledError || e instanceof TraceError) throw e;
      throw new TraceError(`${namespace}/${podName}`, name, e instanceof Error ? e.message : String(e), e);
    }
  };
  const pod = await step('read the pod', () => readPod(session, namespace, podName, opts.signal));
  const snap = opts.snapshot ?? (await step('read the cluster (pods, policies, Services, namespaces, nodes)', () => loadSnapshot(session, namespace, { signal: opts.signal })));
  // The pod as just read wins over the (possibly older) list entry.
  const snapshot: ClusterSnapshot = { ...snap, pods: [...snap.pods.filter((p) => !(p.metadata?.namespace === namespace && p.metadata?.name === podName)), pod] };
  const model = buildModel(snapshot);
  const self = podInfo(pod);
  const policies = policyView(model, snapshot, self);
  const observation = await step('read /proc/net', () => readProcNet(session, pod, opts));
  const sockets: ProcNetSocket[] = [];
  for (const f of PROC_NET_FILES) {
    const text = observation.raw[f];
    if (text === undefined) continue;
    const r = parseProcNet(text, f);
    sockets.push(...r.sockets);
    observation.skippedLines.push(...r.skipped);
  }
  const { connections, listening } = analyzeSockets(sockets, pod, snapshot, model);
  const warnings = [...snapshot.warnings];
  if (observation.trustWarning) warnings.push(observation.trustWarning);
  if (pod.metadata?.labels?.[QUARANTINE_LABEL] && connections.some((c) => c.direction !== 'local' && c.state === 'ESTABLISHED')) {
    warnings.push('The pod is quarantined but connections established before are still open: depending on the network plugin, existing (conntrack) flows may persist until they close. Consider deleting the pod after saving evidence.');
  }
  if (self.hostNetwork) warnings.push('hostNetwork pod: /proc/net shows the node\'s sockets, and NetworkPolicy does not govern it.');
  let originalLabels: Record<string, string> | undefined;
  const ann = pod.metadata?.annotations?.[ORIGINAL_LABELS_ANNOTATION];
  if (ann) { try { originalLabels = JSON.parse(ann); } catch { warnings.push(`Annotation ${ORIGINAL_LABELS_ANNOTATION} is not valid JSON.`); } }
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
  return {
    namespace, pod: podName, takenAt: new Date().toISOString(), podIPs: self.ips ?? [], node: pod.spec?.nodeName, hostNetwork: self.hostNetwork === true,
    labels: { ...(pod.metadata?.labels ?? {}) }, ...(originalLabels ? { originalLabels } : {}), ...(owner ? { owner: { kind: owner.kind, name: owner.name } } : {}),
    policies, observation, sockets, connections, listening, warnings,
  };
}

// ---------------------------------------------------------------------------------------------
// (c) observed-egress NetworkPolicy

function isDnsPeer(c: TracedConnection): boolean {
  if (c.remote.port !== 53) return false;
  const p = c.peer;
  if (!p) return false;
  if (p.kind === 'service') return p.namespace === 'kube-system' && (p.name === 'kube-dns' || (p.backends ?? []).some((b) => b.labels['k8s-app'] === 'kube-dns'));
  if (p.kind === 'pod') return p.namespace === 'kube-system' && p.labels?.['k8s-app'] === 'kube-dns';
  return false;
}

/**
 * A NetworkPolicy (YAML text, with explanatory comments) that permits exactly the observed
 * outbound in-cluster traffic (to pods by their labels + namespace, per port/protocol; Services
 * resolved to their backends' selector and targetPort) and DNS to kube-dns; everything else
 * (internet, nodes, unknown IPs) is listed in comments and NOT permitted. For review: the caller
 * opens it as a new document; nothing is applied.
 */
export function generateEgressPolicy(trace: EgressTrace, opts: { name?: string } = {}): string {
  let podLabels = stableLabels(trace.originalLabels ?? trace.labels);
  if (!Object.keys(podLabels).length) podLabels = stableLabels(trace.labels);
  if (!Object.keys(podLabels).length) throw new Error(`Pod ${trace.namespace}/${trace.pod} has no workload labels to select it by; an empty podSelector would select every pod in the namespace. Label the workload first.`);
  type Rule = { peer: { ns: string; labels: Record<string, string> }; ports: Map<string, { protocol: string; port: number | string }>; seen: string[] };
  const rules = new Map<string, Rule>();
  const excluded: string[] = [];
  let dns = false;
  const add = (ns: string, labels: Record<string, string>, protocol: string, port: number | string, seen: string) => {
    const key = `${ns}|${JSON.stringify(Object.entries(labels).sort())}`;
    const r: Rule = rules.get(key) ?? { peer: { ns, labels }, ports: new Map(), seen: [] };
    r.ports.set(`${protocol}/${port}`, { protocol, port });
    if (!r.seen.includes(seen)) r.seen.push(seen);
    rules.set(key, r);
  };
  for (const c of trace.connections) {
    const what = `${c.protocol} ${fmtEp(c.remote)} (${c.state})`;
    if (c.direction !== 'outbound') continue;
    if (isDnsPeer(c)) { dns = true; continue; }
    const p = c.peer;
    if (p?.kind === 'pod' && p.namespace) {
      const l = stableLabels(p.labels);
      if (!Object.keys(l).length) { excluded.push(`${what} → pod ${p.namespace}/${p.name}: it has no workload labels`); continue; }
      add(p.namespace, l, c.protocol, c.remote.port, `${what} → pod ${p.namespace}/${p.name}`);
    } else if (p?.kind === 'service' && p.namespace) {
      const sel = p.labels ?? {};
      const backend = p.backends?.[0];
      if (!Object.keys(sel).length || !backend) { excluded.push(`${what} → Service ${p.namespace}/${p.name}: no selector or no live backends`); continue; }
      // NetworkPolicy sees the backend's targetPort, not the Service port.
      add(p.namespace, sel, c.protocol, p.targetPort ?? c.remote.port, `${what} → Service ${p.namespace}/${p.name} (target port ${p.targetPort ?? c.remote.port})`);
    } else {
      const kind = p ? `${p.kind} ${p.namespace ? p.namespace + '/' : ''}${p.name}` : `${c.remoteClass.class} address`;
      excluded.push(`${what} → ${kind}${c.remoteClass.note ? ` (${c.remoteClass.note})` : ''}`);
    }
  }
  const egress: any[] = [];
  if (dns) {
    egress.push({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
    });
  }
  const seenLines: string[] = [];
  for (const r of rules.values()) {
    egress.push({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': r.peer.ns } }, podSelector: { matchLabels: r.peer.labels } }],
      ports: [...r.ports.values()].map((p) => ({ protocol: p.protocol, port: p.port })),
    });
    seenLines.push(...r.seen);
  }
  const base = (trace.owner?.name ?? trace.pod).replace(/-[a-z0-9]{8,10}$/, '');
  const name = opts.name ?? `${base}-observed-egress`.slice(0, 63).replace(/-+$/, '');
  const policy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: trace.namespace, labels: { 'app.kubernetes.io/managed-by': 'k8s-guardrails' } },
    spec: { podSelector: { matchLabels: podLabels }, policyTypes: ['Egress'], egress },
  };
  const header = [
    `# Generated by k8s-guardrails from the egress trace of pod ${trace.namespace}/${trace.pod} at ${trace.takenAt}.`,
    '# It permits exactly the outbound traffic observed in /proc/net (in-cluster peers and DNS); review before applying.',
    '# Applying it isolates the selected pods for Egress: anything not listed here is then denied.',
    ...(dns ? ['# DNS to kube-dns was observed: UDP and TCP 53 are both allowed (DNS falls back to TCP).'] : []),
    ...(trace.observation.status !== 'ok' ? [`# WARNING: observation incomplete (${trace.observation.status}): ${trace.observation.message.replace(/\n/g, ' ')}`] : []),
    ...(seenLines.length ? ['# Observed and permitted:', ...seenLines.map((s) => `#   ${s}`)] : ['# No in-cluster outbound connection was observed.']),
    ...(excluded.length ? ['# Observed but NOT permitted (internet / nodes / unknown — add explicitly if legitimate):', ...excluded.map((s) => `#   ${s}`)] : []),
  ].map((l) => l.replace(/[\u0000-\u001f\u007f]/g, ''));
  return header.join('\n') + '\n' + yaml.dump(policy, { noRefs: true, lineWidth: -1, sortKeys: false });
}

/**
 * Service connections are recorded with the Service port; the policy needs the backend port.
 * (Exposed for tests and callers that want the mapping.)
 */
export function servicePortToTarget(svc: k8s.V1Service, backend: k8s.V1Pod | undefined, port: number, protocol: string): number | string | undefined {
  const tp = targetPortOf(svc, port, protocol);
  if (typeof tp === 'string' && backend) {
    for (const c of backend.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.name === tp && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return tp;
}

// ---------------------------------------------------------------------------------------------
// text rendering (output channel, evidence README)

export function formatTrace(t: EgressTrace): string {
  const L: string[] = [];
  L.push(`Egress trace of pod ${t.namespace}/${t.pod} at ${t.takenAt}`);
  L.push(`  IPs: ${t.podIPs.join(', ') || '-'}  node: ${t.node ?? '-'}${t.hostNetwork ? '  (hostNetwork)' : ''}`);
  L.push(`  labels: ${fmtLabels(t.labels)}${t.originalLabels ? `  (before quarantine: ${fmtLabels(t.originalLabels)})` : ''}`);
  const pv = t.policies;
  L.push('', 'What the NetworkPolicies allow:');
  if (pv.notGoverned) L.push(`  ${pv.notGoverned}`);
  else if (!pv.egressIsolated) L.push('  Not isolated for egress: no policy selects it for Egress — every destination is allowed.');
  else {
    L.push(`  Egress-isolated by: ${pv.egressPolicies.map((p) => `${p.namespace}/${p.name}`).join(', ')}`);
    if (!pv.rules.length) L.push('  No egress rule: all egress is denied.');
    for (const r of pv.rules) for (const to of r.to) L.push(`  ${r.policy.namespace}/${r.policy.name}#${r.ruleIndex}: ${to.description} on ${r.ports}`);
  }
  L.push(`  Internet: ${pv.internet.reachable ? 'reachable' : 'not reachable'} (${pv.internet.reason})`);
  L.push(`  DNS to kube-dns: UDP ${pv.dns.udp ? 'allowed' : 'denied'}, TCP ${pv.dns.tcp ? 'allowed' : 'denied'}`);
  L.push(`  Ingress-isolated by: ${pv.ingressPolicies.map((p) => `${p.namespace}/${p.name}`).join(', ') || '(none: all ingress allowed)'}`);
  L.push('', `What it talks to (${t.observation.status}): ${t.observation.message}`);
  if (t.observation.debugOffer) L.push(`  Offer: add an ephemeral debug container (${t.observation.debugOffer.defaultImage}). ${t.observation.debugOffer.warning}`);
  for (const c of t.connections) {
    const peer = c.peer ? ` [${c.peer.kind} ${c.peer.namespace ? c.peer.namespace + '/' : ''}${c.peer.name}]` : '';
    const verdictText = c.policy.evaluated ? (c.policy.allowed ? 'ALLOWED by policy' : 'NOT ALLOWED by policy') : 'n/a';
    L.push(`  ${c.direction.padEnd(8)} ${c.protocol} ${c.state.padEnd(11)} ${fmtEp(c.local)} ${c.direction === 'inbound' ? '<-' : '->'} ${fmtEp(c.remote)} ${c.remoteClass.class}${c.remoteClass.mapped ? ' (v4-mapped)' : ''}${peer}  ${verdictText}`);
  }
  if (t.listening.length) L.push(`  listening: ${t.listening.map(fmtEp).join(', ')}`);
  for (const w of t.warnings) L.push(`  warning: ${w}`);
  return L.join('\n') + '\n';
}

function fmtEp(e: Endpoint): string {
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}
