/**
 * The NetworkPolicy view of a WorkspaceIndex: workloads (as pods, from their
 * templates), policies and namespaces, with per-workload isolation and DNS
 * reachability. Built once per analysis snapshot (engine/memo.ts) and
 * shared by the netpol rules, the hover and the generators.
 *
 * Unlike the pure library next to it (index.ts), this module knows about the
 * editor-independent workspace model (Resource, SourceFile).
 */
import { isObject, Resource } from '../model';
import type { EngineSettings } from '../rules/types';
import { podTemplates, CONTAINER_FIELDS } from '../workloads';
import type { WorkspaceIndex } from '../workspace';
import { memoKey, resourceKey, SnapshotContext } from '../memo';
import { NetworkModel, NAMESPACE_NAME_LABEL, portsMatch } from '../../../../shared/netpol/model';
import { ParsedPolicy, parsePolicy } from '../../../../shared/netpol/parse';
import { CompiledSelector, selectorMatches, selectsEverything } from '../../../../shared/netpol/selector';
import { ASSUMED_KUBE_DNS_POD } from '../../../../shared/netpol/analysis';
import { intersect, parseCidr } from '../../../../shared/netpol/cidr';
import type { ContainerPortInfo, NsInfo, PodInfo, PolicyProblem, PolicySource } from '../../../../shared/netpol/types';
import { validatePolicy } from '../../../../shared/netpol/validate';

export const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

export interface NetpolSettings {
  require: 'ingress' | 'egress' | 'both' | 'off';
  ipBlockMatchesPodIPs: boolean;
  /** Cluster ranges used by the generators (default RFC 1918). */
  clusterCIDRs: string[];
  /** True when clusterCIDRs was configured (enables netpol-ipblock-covers-cluster). */
  clusterCIDRsConfigured: boolean;
}

let lastSettings: { from: EngineSettings['netpol']; settings: NetpolSettings } | undefined;

/** The NetworkPolicy settings with defaults (the last answer is reused: rules ask per policy). */
export function netpolSettings(s: EngineSettings): NetpolSettings {
  if (lastSettings && lastSettings.from === s.netpol) return lastSettings.settings;
  const settings = computeNetpolSettings(s);
  lastSettings = { from: s.netpol, settings };
  return settings;
}

function computeNetpolSettings(s: EngineSettings): NetpolSettings {
  const n = s.netpol ?? {};
  const req = n.require;
  const cidrs = Array.isArray(n.clusterCIDRs) ? n.clusterCIDRs.filter((c) => typeof c === 'string' && parseCidr(c)) : [];
  return {
    require: req === 'ingress' || req === 'egress' || req === 'off' ? req : 'both',
    ipBlockMatchesPodIPs: n.ipBlockMatchesPodIPs === true,
    clusterCIDRs: cidrs.length ? cidrs : RFC1918,
    clusterCIDRsConfigured: cidrs.length > 0,
  };
}

export interface NpPolicy {
  res: Resource;
  name: string;
  namespace: string;
  source: PolicySource;
  parsed: ParsedPolicy;
  /** Position in the workspace's policy list. */
  order: number;
  /** Workloads (same namespace) the podSelector selects, in workspace order; filled by the model. */
  selects: NpWorkload[];
}

export interface NpWorkload {
  res: Resource;
  namespace: string;
  pod: PodInfo;
  /** Path of the pod template inside the resource. */
  templatePath: readonly (string | number)[];
  /** For a pod spec embedded in a kind that is not a built-in workload (a resource may hold several): its path as text. */
  where?: string;
  hostNetwork: boolean;
  /** Policies whose podSelector selects the template labels, per direction (hostNetwork pods are selected but not governed). */
  ingress: NpPolicy[];
  egress: NpPolicy[];
}

interface NsPolicies {
  /** Policies of the namespace, in workspace order. */
  all: NpPolicy[];
  /** Policies selecting every pod (podSelector {}). */
  always: NpPolicy[];
  /** Policies with a single-valued `In` requirement, indexed by `key=value` (one key per policy). */
  byLabel: Map<string, NpPolicy[]>;
  /** Other policies (checked one by one). */
  other: NpPolicy[];
}

const labelsOf = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
};

function indexKey(sel: CompiledSelector): string | undefined {
  if (!sel.valid) return undefined;
  const r = sel.requirements.find((x) => x.operator === 'In' && x.values.length === 1);
  return r ? `${r.key}=${r.values[0]}` : undefined;
}

const NO_POLICIES: readonly NpPolicy[] = Object.freeze([]);
const NO_WORKLOADS: readonly NpWorkload[] = Object.freeze([]);
const byOrder = (a: NpPolicy, b: NpPolicy) => a.order - b.order;

/** A networking.k8s.io NetworkPolicy (not e.g. Calico's crd.projectcalico.org NetworkPolicy). */
export function isK8sNetworkPolicy(res: Resource): boolean {
  return res.kind === 'NetworkPolicy' && typeof res.apiVersion === 'string' && res.apiVersion.startsWith('networking.k8s.io/');
}

/**
 * Parsed policies by the resource's parsed object, which an unchanged document keeps across re-parses: an
 * edit elsewhere does not re-parse them. Shared (read-only) by the model, validation and the internet-egress rule.
 */
const parsedPolicies = new WeakMap<object, ParsedPolicy>();

export function parsedPolicy(res: Resource): ParsedPolicy {
  const obj = res.object;
  if (typeof obj !== 'object' || obj === null) return parsePolicy(obj);
  let p = parsedPolicies.get(obj);
  if (!p) parsedPolicies.set(obj, (p = parsePolicy(obj)));
  return p;
}

export class NetpolWorkspace {
  readonly settings: NetpolSettings;
  readonly policies: NpPolicy[] = [];
  readonly workloads: NpWorkload[] = [];
  readonly namespaces = new Map<string, Resource>();
  private readonly policiesByNs = new Map<string, NsPolicies>();
  private readonly workloadsByNs = new Map<string, NpWorkload[]>();
  /** By resourceKey: the model outlives the Resources of an edited file while the facts stay (engine/memo.ts). */
  private readonly byResource = new Map<string, NpWorkload[]>();
  private readonly policyByResource = new Map<string, NpPolicy>();
  private readonly dnsCache = new Map<NpPolicy, { udp: boolean; tcp: boolean }>();
  private readonly nsInfos: NsInfo[] = [];
  readonly dnsPods: PodInfo[];

  constructor(ws: WorkspaceIndex, settings: EngineSettings) {
    this.settings = netpolSettings(settings);
    for (const ns of ws.resourcesOfKind('Namespace')) {
      if (ns.file.skipped || !ns.name) continue;
      if (!this.namespaces.has(ns.name)) this.namespaces.set(ns.name, ns);
      this.nsInfos.push({ name: ns.name, labels: labelsOf(ns.object.metadata?.labels) });
    }
    for (const res of ws.resourcesOfKind('NetworkPolicy')) {
      if (res.file.skipped || !isK8sNetworkPolicy(res)) continue;
      const namespace = res.namespace ?? 'default';
      const source: PolicySource = { name: res.name, namespace, object: res.object, ref: res };
      const p: NpPolicy = { res, name: res.name, namespace, source, parsed: parsedPolicy(res), order: this.policies.length, selects: [] };
      this.policies.push(p);
      this.policyByResource.set(resourceKey(res), p);
      let nsp = this.policiesByNs.get(namespace);
      if (!nsp) this.policiesByNs.set(namespace, (nsp = { all: [], always: [], byLabel: new Map(), other: [] }));
      nsp.all.push(p);
      const sel = p.parsed.podSelector;
      const key = indexKey(sel);
      if (selectsEverything(sel)) nsp.always.push(p);
      else if (key) {
        let list = nsp.byLabel.get(key);
        if (!list) nsp.byLabel.set(key, (list = []));
        list.push(p);
      } else if (sel.valid) nsp.other.push(p);
    }
    for (const f of ws.allFiles()) {
      if (f.skipped) continue;
      for (const res of f.resources) {
        if (res.kind === 'PodTemplate') continue;
        for (const t of podTemplates(res)) {
          if (!Array.isArray(t.spec.containers)) continue;
          const namespace = res.namespace ?? 'default';
          const ports: ContainerPortInfo[] = [];
          // The containers' ports, as containersOf lists the containers (without building its references).
          for (const field of CONTAINER_FIELDS) {
            const list = t.spec[field];
            if (!Array.isArray(list)) continue;
            for (const c of list)
              if (isObject(c) && Array.isArray(c.ports))
                for (const p of c.ports)
                  if (p && typeof p === 'object' && typeof p.containerPort === 'number')
                    ports.push({ containerPort: p.containerPort, ...(typeof p.name === 'string' ? { name: p.name } : {}), ...(typeof p.protocol === 'string' ? { protocol: p.protocol } : {}) });
          }
          const hostNetwork = t.spec.hostNetwork === true;
          const pod: PodInfo = { name: res.name || '(unnamed)', namespace, labels: labelsOf(t.metadata.labels), hostNetwork, ports };
          const w: NpWorkload = { res, namespace, pod, templatePath: t.path, hostNetwork, ingress: [], egress: [], ...(t.where !== undefined ? { where: t.where } : {}) };
          // Selection by labels; hostNetwork pods are then not governed (see `hostNetwork`).
          for (const p of this.candidates(namespace, pod.labels)) {
            if (!selectorMatches(p.parsed.podSelector, pod.labels)) continue;
            p.selects.push(w);
            if (p.parsed.types.ingress) w.ingress.push(p);
            if (p.parsed.types.egress) w.egress.push(p);
          }
          this.workloads.push(w);
          const key = resourceKey(res);
          const own = this.byResource.get(key);
          if (own) own.push(w);
          else this.byResource.set(key, [w]);
          let list = this.workloadsByNs.get(namespace);
          if (!list) this.workloadsByNs.set(namespace, (list = []));
          list.push(w);
        }
      }
    }
    const dns = this.workloads.filter((w) => w.namespace === 'kube-system' && w.pod.labels['k8s-app'] === 'kube-dns' && !w.hostNetwork).map((w) => w.pod);
    this.dnsPods = dns.length ? dns : [ASSUMED_KUBE_DNS_POD];
  }

  /** Policies of `namespace` that may select pods with `labels` (a superset; check with selectorMatches). */
  private candidates(namespace: string, labels: Record<string, string>): readonly NpPolicy[] {
    const nsp = this.policiesByNs.get(namespace);
    if (!nsp) return NO_POLICIES;
    let out: NpPolicy[] | undefined;
    if (nsp.byLabel.size)
      for (const k in labels) {
        const hit = nsp.byLabel.get(`${k}=${labels[k]}`);
        if (hit) (out ??= [...nsp.always, ...nsp.other]).push(...hit);
      }
    if (!out) {
      // No indexed policy: the unindexed lists, already in workspace order when only one is non-empty.
      if (!nsp.other.length) return nsp.always;
      if (!nsp.always.length) return nsp.other;
      out = [...nsp.always, ...nsp.other];
    }
    // Keep workspace order.
    if (out.length > 1) out.sort(byOrder);
    return out;
  }

  /** One per pod spec of the resource (a JobSet or RayCluster holds several). */
  workloadsOf(res: Resource): readonly NpWorkload[] {
    return this.byResource.get(resourceKey(res)) ?? NO_WORKLOADS;
  }

  policy(res: Resource): NpPolicy | undefined {
    return this.policyByResource.get(resourceKey(res));
  }

  policiesIn(namespace: string): readonly NpPolicy[] {
    return this.policiesByNs.get(namespace)?.all ?? [];
  }

  workloadsIn(namespace: string): readonly NpWorkload[] {
    return this.workloadsByNs.get(namespace) ?? [];
  }

  private undeclared?: NpWorkload[];

  /** The workloads whose resource declares no namespace (applied with `-n`: anyone's peer), in workspace order. */
  namespaceLessWorkloads(): readonly NpWorkload[] {
    return (this.undeclared ??= this.workloads.filter((w) => w.res.declaredNamespace === undefined));
  }

  /** Workloads of the policy's namespace selected by its podSelector. */
  selectedBy(p: NpPolicy): readonly NpWorkload[] {
    return p.selects;
  }

  /** Default-deny status of a namespace: policies selecting all pods that allow nothing. */
  defaultDeny(namespace: string): { ingress: NpPolicy[]; egress: NpPolicy[] } {
    const out = { ingress: [] as NpPolicy[], egress: [] as NpPolicy[] };
    for (const p of this.policiesByNs.get(namespace)?.always ?? []) {
      if (p.parsed.types.ingress && p.parsed.ingress.length === 0) out.ingress.push(p);
      if (p.parsed.types.egress && p.parsed.egress.length === 0) out.egress.push(p);
    }
    return out;
  }

  /** Whether the policy's egress rules allow UDP / TCP 53 to kube-dns for the pods it selects. */
  policyDns(p: NpPolicy): { udp: boolean; tcp: boolean } {
    let v = this.dnsCache.get(p);
    if (v) return v;
    v = { udp: false, tcp: false };
    if (p.parsed.types.egress && p.parsed.egress.length) {
      // A pod the policy selects: the verdict depends on the source only through selection.
      const src: PodInfo = { name: '\u0000probe', namespace: p.namespace, labels: probeLabels(p.parsed.podSelector) ?? {} };
      const model = new NetworkModel({
        namespaces: this.nsInfos,
        pods: this.dnsPods,
        policies: [p.source],
        options: { ipBlockMatchesPodIPs: this.settings.ipBlockMatchesPodIPs },
      });
      const ok = (proto: 'UDP' | 'TCP') =>
        this.dnsPods.some((d) => model.allowed({ kind: 'pod', pod: src }, { kind: 'pod', pod: d }, 53, proto).egress.allowedBy.length > 0);
      if (selectorMatches(p.parsed.podSelector, src.labels)) v = { udp: ok('UDP'), tcp: ok('TCP') };
      // Whether an ipBlock matches pod IPs is up to the network plugin: an ipBlock covering the
      // cluster ranges on port 53 may reach kube-dns, so it counts as allowing DNS (no false alarm).
      const ranges = this.settings.clusterCIDRs.map((c) => parseCidr(c)).filter((c): c is NonNullable<typeof c> => !!c);
      const viaIpBlock = (proto: 'UDP' | 'TCP') =>
        p.parsed.egress.some(
          (rule) =>
            rule.peers !== 'all' &&
            rule.peers.some((peer) => {
              const b = peer.kind === 'ipBlock' ? peer.ipBlock : undefined;
              return !!b && ranges.some((r) => r.family === b.cidr.family && intersect(b.allowed, [[r.start, r.end]]).length > 0);
            }) &&
            this.dnsPods.some((d) => portsMatch(rule.ports, { port: 53, protocol: proto }, d)),
        );
      v = { udp: v.udp || viaIpBlock('UDP'), tcp: v.tcp || viaIpBlock('TCP') };
    }
    this.dnsCache.set(p, v);
    return v;
  }

  /** DNS reachability of a workload's pods (egress side only). */
  dns(w: NpWorkload): { isolated: boolean; udp: boolean; tcp: boolean } {
    if (!w.egress.length || w.hostNetwork) return { isolated: false, udp: true, tcp: true };
    let udp = false;
    let tcp = false;
    for (const p of w.egress) {
      const d = this.policyDns(p);
      udp ||= d.udp;
      tcp ||= d.tcp;
      if (udp && tcp) break;
    }
    return { isolated: true, udp, tcp };
  }

  /** Labels of the namespace (with kubernetes.io/metadata.name). */
  namespaceLabels(ns: string): Record<string, string> {
    const r = this.namespaces.get(ns);
    return { ...labelsOf(r?.object.metadata?.labels), [NAMESPACE_NAME_LABEL]: ns };
  }
}

/** Labels satisfying a selector's requirements (undefined when none can be built simply). */
function probeLabels(sel: CompiledSelector): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const r of sel.requirements) {
    if (r.operator === 'In') out[r.key] = r.values[0];
    else if (r.operator === 'Exists') out[r.key] = 'x';
  }
  return out;
}

const NETPOL_MODEL = memoKey<NetpolWorkspace>('netpol model');

/** The workspace's NetworkPolicy model, built once per snapshot (workspace state and settings; see memo.ts). */
export function netpolWorkspace(ctx: SnapshotContext): NetpolWorkspace {
  return ctx.memo.get(NETPOL_MODEL, buildNetpolWorkspace, ctx);
}

function buildNetpolWorkspace(ctx: SnapshotContext): NetpolWorkspace {
  return new NetpolWorkspace(ctx.workspace, ctx.settings);
}

const problemCache = new WeakMap<object, PolicyProblem[]>();

/** validatePolicy for a NetworkPolicy resource (what the API server rejects), cached per parsed object. */
export function policyProblems(res: Resource): PolicyProblem[] {
  const obj = res.object;
  const hit = typeof obj === 'object' && obj !== null ? problemCache.get(obj) : undefined;
  if (hit) return hit;
  const problems = validatePolicy(obj, parsedPolicy(res));
  if (typeof obj === 'object' && obj !== null) problemCache.set(obj, problems);
  return problems;
}
