/**
 * Simplified, synchronous controllers: scheduler + kubelet (pod IP/phase),
 * Deployment → ReplicaSet → Pod, DaemonSet, StatefulSet, Service → Endpoints /
 * EndpointSlices, namespace default ServiceAccount, garbage collection.
 *
 * They run to a fixed point after every committed write, so a client sees the
 * effects of its write as soon as the response arrives (unlike a real cluster,
 * which converges asynchronously).
 */
import { createHash, randomBytes } from 'node:crypto';
import { KObj, Store, T, clone, matchLabelSelectorObject, matchMapSelector, nowTimestamp } from './store';

const ALNUM = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(n = 5): string {
  const b = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += ALNUM[b[i] % ALNUM.length];
  return s;
}

function shortHash(v: unknown): string {
  const h = createHash('sha256').update(JSON.stringify(v)).digest();
  let s = '';
  for (let i = 0; i < 10; i++) s += ALNUM[h[i] % ALNUM.length];
  return s;
}

export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as KObj).filter((k) => (v as KObj)[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stableJson((v as KObj)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export function controllerOf(o: KObj): KObj | undefined {
  return (o.metadata?.ownerReferences ?? []).find((r: KObj) => r.controller);
}

function ownerRef(owner: KObj): KObj {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}

export class IpAllocator {
  private used = new Set<string>();
  private counters = new Map<number, number>();
  markUsed(ip: string | undefined): void { if (ip) this.used.add(ip); }
  /** A fresh (never before handed out) IP for a pod on node index n. */
  next(nodeIndex: number): { v4: string; v6: string } {
    for (;;) {
      const c = (this.counters.get(nodeIndex) ?? 40) + 1;
      this.counters.set(nodeIndex, c);
      const v4 = `10.244.${nodeIndex}.${(c % 250) + 2}`;
      const v6 = `fd00:10:244:${nodeIndex.toString(16)}::${c.toString(16)}`;
      if (c > 250 * 200) throw new Error('IP space exhausted');
      if (!this.used.has(v4) && !this.used.has(v6)) { this.used.add(v4); this.used.add(v6); return { v4, v6 }; }
    }
  }
}

export const IP_FAMILY_ANNOTATION = 'sim.k8s-guardrails.dev/ip-family';

export class Controllers {
  constructor(private store: Store, private ips: IpAllocator) {}

  /** Runs all controllers until nothing changes (bounded). */
  reconcile(): void {
    for (let i = 0; i < 20; i++) {
      const before = this.store.resourceVersion;
      this.namespaces();
      this.deployments();
      this.replicaSets();
      this.daemonSets();
      this.statefulSets();
      this.pods();
      this.garbageCollect();
      this.services();
      if (this.store.resourceVersion === before) return;
    }
  }

  private namespaces(): void {
    for (const nsRO of this.store.peek(T('namespaces'))) {
      const name = nsRO.metadata.name;
      if (nsRO.metadata.labels?.['kubernetes.io/metadata.name'] !== name || nsRO.status?.phase !== 'Active') {
        const ns = this.store.get(T('namespaces'), undefined, name)!;
        ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': name };
        ns.spec = ns.spec ?? { finalizers: ['kubernetes'] };
        ns.status = { phase: 'Active' };
        this.store.update(T('namespaces'), ns);
      }
      if (!this.store.get(T('serviceaccounts'), name, 'default')) {
        this.store.create(T('serviceaccounts'), { metadata: { name: 'default', namespace: name } });
      }
    }
  }

  private deployments(): void {
    const D = T('deployments', 'apps');
    const RS = T('replicasets', 'apps');
    for (const d of this.store.peek(D)) {
      const ns = d.metadata.namespace;
      const tpl = d.spec?.template ?? {};
      const hash = shortHash(tpl).slice(0, 10);
      const owned = this.store.peek(RS, ns).filter((rs) => controllerOf(rs)?.uid === d.metadata.uid).map(clone);
      const desired = d.spec?.replicas ?? 1;
      // like FindNewReplicaSet: the RS whose template equals the deployment's, ignoring pod-template-hash
      const want = stableJson(tpl);
      let current = owned.find((rs) => {
        const t = clone(rs.spec?.template ?? {});
        if (t.metadata?.labels) delete t.metadata.labels['pod-template-hash'];
        return stableJson(t) === want;
      });
      if (!current) {
        const labels = { ...(tpl.metadata?.labels ?? {}), 'pod-template-hash': hash };
        const rsObj: KObj = {
          metadata: {
            name: `${d.metadata.name}-${hash}`, namespace: ns, labels,
            annotations: { 'deployment.kubernetes.io/revision': String(owned.length + 1), 'deployment.kubernetes.io/desired-replicas': String(desired) },
            ownerReferences: [ownerRef(d)],
          },
          spec: {
            replicas: desired,
            selector: { ...clone(d.spec.selector), matchLabels: { ...(d.spec.selector.matchLabels ?? {}), 'pod-template-hash': hash } },
            template: { ...clone(tpl), metadata: { ...clone(tpl.metadata ?? {}), labels } },
          },
        };
        if (this.store.get(RS, ns, rsObj.metadata.name)) continue; // name collision: leave as is
        current = this.store.create(RS, rsObj);
      } else if (current.spec.replicas !== desired) {
        current.spec.replicas = desired;
        current = this.store.update(RS, current);
      }
      for (const rs of owned) {
        if (rs.metadata.uid !== current.metadata.uid && rs.spec.replicas !== 0) {
          rs.spec.replicas = 0; // Recreate-like rollout
          this.store.update(RS, rs);
        }
      }
      const pods = this.store.peek(T('pods'), ns).filter((p) => controllerOf(p)?.uid === current!.metadata.uid);
      const ready = pods.filter(isPodReady).length;
      const status = {
        observedGeneration: d.metadata.generation,
        replicas: pods.length, updatedReplicas: pods.length, readyReplicas: ready || undefined, availableReplicas: ready || undefined,
        unavailableReplicas: desired - ready > 0 ? desired - ready : undefined,
        conditions: [
          { type: 'Available', status: ready >= desired ? 'True' : 'False', reason: ready >= desired ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', message: ready >= desired ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.' },
          { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${current.metadata.name}" has successfully progressed.` },
        ],
      };
      this.setStatus(D, d, status);
    }
  }

  private setStatus(t: ReturnType<typeof T>, o: KObj, status: KObj): void {
    const clean = JSON.parse(JSON.stringify(status));
    const strip = (s: KObj | undefined) => JSON.stringify(s ?? {}, (k, v) => (k === 'lastTransitionTime' || k === 'lastUpdateTime' ? undefined : v));
    if (strip(o.status) === strip(clean)) return;
    const now = nowTimestamp();
    for (const c of clean.conditions ?? []) {
      const prev = (o.status?.conditions ?? []).find((x: KObj) => x.type === c.type);
      c.lastTransitionTime = prev && prev.status === c.status ? prev.lastTransitionTime : now;
      if (t.plural === 'deployments') c.lastUpdateTime = now;
    }
    const fresh = this.store.get(t, o.metadata.namespace, o.metadata.name);
    if (!fresh) return;
    fresh.status = clean;
    this.store.update(t, fresh);
  }

  private replicaSets(): void {
    const RS = T('replicasets', 'apps');
    const P = T('pods');
    for (const rs of this.store.peek(RS)) {
      const ns = rs.metadata.namespace;
      const sel = rs.spec?.selector;
      let pods = this.store.peek(P, ns).filter((p) => !p.metadata.deletionTimestamp);
      // release pods that no longer match (orphaning), adopt matching orphans
      for (const po of pods) {
        const ctl = controllerOf(po);
        const matches = matchLabelSelectorObject(sel, po.metadata.labels);
        if (ctl?.uid === rs.metadata.uid && !matches) {
          const p = this.store.get(P, ns, po.metadata.name)!;
          p.metadata.ownerReferences = (p.metadata.ownerReferences ?? []).filter((r: KObj) => r.uid !== rs.metadata.uid);
          if (p.metadata.ownerReferences.length === 0) delete p.metadata.ownerReferences;
          this.store.update(P, p);
        } else if (!ctl && matches && po.status?.phase !== 'Succeeded' && po.status?.phase !== 'Failed') {
          const p = this.store.get(P, ns, po.metadata.name)!;
          p.metadata.ownerReferences = [...(p.metadata.ownerReferences ?? []), ownerRef(rs)];
          this.store.update(P, p);
        }
      }
      pods = this.store.peek(P, ns).filter((p) => controllerOf(p)?.uid === rs.metadata.uid && !p.metadata.deletionTimestamp);
      const desired = rs.spec?.replicas ?? 1;
      for (let i = pods.length; i < desired; i++) this.createPodFromTemplate(rs, `${rs.metadata.name}-`);
      if (pods.length > desired) {
        // Like the ReplicaSet controller (ActivePodsWithRanks, simplified): not ready first, then the newest.
        const ready = (p: KObj) => (isPodReady(p) ? 1 : 0);
        const created = (p: KObj) => Date.parse(p.metadata.creationTimestamp ?? '') || 0;
        const victims = [...pods].sort((a, b) => ready(a) - ready(b) || created(b) - created(a) || Number(b.metadata.resourceVersion) - Number(a.metadata.resourceVersion)).slice(0, pods.length - desired);
        for (const v of victims) this.store.delete(P, ns, v.metadata.name);
      }
      const now = this.store.peek(P, ns).filter((p) => controllerOf(p)?.uid === rs.metadata.uid);
      const ready = now.filter(isPodReady).length;
      this.setStatus(RS, rs, {
        replicas: now.length, fullyLabeledReplicas: now.length || undefined, readyReplicas: ready || undefined, availableReplicas: ready || undefined,
        observedGeneration: rs.metadata.generation,
      });
    }
  }

  private createPodFromTemplate(owner: KObj, generateName: string, name?: string, nodeName?: string): KObj {
    const tpl = clone(owner.spec.template ?? {});
    const pod: KObj = {
      metadata: { ...(tpl.metadata ?? {}), namespace: owner.metadata.namespace, ownerReferences: [ownerRef(owner)] },
      spec: { ...tpl.spec },
    };
    if (name) pod.metadata.name = name;
    else {
      for (;;) {
        const n = `${generateName}${randomSuffix()}`;
        if (!this.store.get(T('pods'), owner.metadata.namespace, n)) { pod.metadata.name = n; break; }
      }
    }
    if (nodeName) pod.spec.nodeName = nodeName;
    applyPodDefaults(pod);
    return this.store.create(T('pods'), pod);
  }

  private daemonSets(): void {
    const DS = T('daemonsets', 'apps');
    const P = T('pods');
    const nodes = this.store.peek(T('nodes'));
    for (const ds of this.store.peek(DS)) {
      const ns = ds.metadata.namespace;
      const nodeSel: Record<string, string> = ds.spec?.template?.spec?.nodeSelector ?? {};
      const eligible = nodes.filter((n) => Object.entries(nodeSel).every(([k, v]) => n.metadata.labels?.[k] === v));
      const owned = this.store.peek(P, ns).filter((p) => controllerOf(p)?.uid === ds.metadata.uid);
      for (const n of eligible) {
        if (!owned.some((p) => p.spec?.nodeName === n.metadata.name)) this.createPodFromTemplate(ds, `${ds.metadata.name}-`, undefined, n.metadata.name);
      }
      for (const p of owned) if (!eligible.some((n) => n.metadata.name === p.spec?.nodeName)) this.store.delete(P, ns, p.metadata.name);
      const now = this.store.peek(P, ns).filter((p) => controllerOf(p)?.uid === ds.metadata.uid);
      const ready = now.filter(isPodReady).length;
      this.setStatus(DS, ds, {
        currentNumberScheduled: now.length, desiredNumberScheduled: eligible.length, numberMisscheduled: 0, numberReady: ready,
        numberAvailable: ready || undefined, updatedNumberScheduled: now.length || undefined, observedGeneration: ds.metadata.generation,
      });
    }
  }

  private statefulSets(): void {
    const STS = T('statefulsets', 'apps');
    const P = T('pods');
    for (const sts of this.store.peek(STS)) {
      const ns = sts.metadata.namespace;
      const desired = sts.spec?.replicas ?? 1;
      const owned = this.store.peek(P, ns).filter((p) => controllerOf(p)?.uid === sts.metadata.uid);
      for (let i = 0; i < desired; i++) {
        const name = `${sts.metadata.name}-${i}`;
        if (!owned.some((p) => p.metadata.name === name) && !this.store.get(P, ns, name)) {
          const pod = this.createPodFromTemplate(sts, '', name);
          pod.metadata.labels = { ...(pod.metadata.labels ?? {}), 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(i) };
          pod.spec.hostname = name;
          if (sts.spec.serviceName) pod.spec.subdomain = sts.spec.serviceName;
          this.store.update(P, pod);
        }
      }
      for (const p of owned) {
        const m = /-(\d+)$/.exec(p.metadata.name);
        if (m && Number(m[1]) >= desired) this.store.delete(P, ns, p.metadata.name);
      }
      const now = this.store.peek(P, ns).filter((p) => controllerOf(p)?.uid === sts.metadata.uid);
      const ready = now.filter(isPodReady).length;
      this.setStatus(STS, sts, {
        replicas: now.length, readyReplicas: ready || undefined, currentReplicas: now.length || undefined, updatedReplicas: now.length || undefined,
        availableReplicas: ready, observedGeneration: sts.metadata.generation,
      });
    }
  }

  /** Scheduler + kubelet: assign node, IPs, phase Running, container statuses. */
  private pods(): void {
    const P = T('pods');
    const nodes = this.store.peek(T('nodes'));
    const allPods = this.store.peek(P);
    for (const po of allPods) {
      if (po.status?.phase && po.spec?.nodeName && (po.status.podIP || po.status.phase !== 'Running') && (po.spec.ephemeralContainers ?? []).length === (po.status.ephemeralContainerStatuses ?? []).length) continue;
      const p = this.store.get(P, po.metadata.namespace, po.metadata.name)!;
      if (p.status?.phase && p.spec?.nodeName && (p.status.podIP || p.status.phase !== 'Running')) {
        // ephemeral containers added later get a running status
        if (!syncEphemeralStatuses(p)) continue;
        this.store.update(P, p);
        continue;
      }
      let node = nodes.find((n) => n.metadata.name === p.spec?.nodeName);
      if (!node) {
        const candidates = nodes.filter((n) => !n.spec?.unschedulable && !(n.spec?.taints ?? []).some((t: KObj) => t.effect === 'NoSchedule' && !tolerates(p, t)));
        candidates.sort((a, b) => allPods.filter((x) => x.spec?.nodeName === a.metadata.name).length - allPods.filter((x) => x.spec?.nodeName === b.metadata.name).length);
        node = candidates[0];
      }
      const now = nowTimestamp();
      if (!node) {
        p.status = {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: `0/${nodes.length} nodes are available.`, lastTransitionTime: now }],
        };
        if (JSON.stringify(p.status) !== JSON.stringify(this.store.get(P, p.metadata.namespace, p.metadata.name)?.status)) this.store.update(P, p);
        continue;
      }
      p.spec.nodeName = node.metadata.name;
      const nodeIp = (node.status?.addresses ?? []).find((a: KObj) => a.type === 'InternalIP')?.address ?? '10.0.0.1';
      const nodeIndex = Number(/10\.244\.(\d+)\./.exec(node.spec?.podCIDR ?? '')?.[1] ?? 0);
      let podIPs: string[];
      if (p.status?.podIP) podIPs = (p.status.podIPs ?? [{ ip: p.status.podIP }]).map((x: KObj) => x.ip);
      else if (p.spec.hostNetwork) podIPs = [nodeIp];
      else {
        const fam = p.metadata.annotations?.[IP_FAMILY_ANNOTATION];
        const ips = this.ips.next(nodeIndex);
        podIPs = fam === 'IPv6' ? [ips.v6] : fam === 'dual' ? [ips.v4, ips.v6] : [ips.v4];
      }
      const containerStatuses = (p.spec.containers ?? []).map((c: KObj, i: number) => ({
        name: c.name, image: c.image, imageID: `${String(c.image).split(':')[0]}@sha256:${createHash('sha256').update(String(c.image)).digest('hex')}`,
        containerID: `containerd://${createHash('sha256').update(p.metadata.uid + c.name).digest('hex')}`,
        ready: true, started: true, restartCount: p.status?.containerStatuses?.[i]?.restartCount ?? 0,
        state: { running: { startedAt: now } }, lastState: {},
      }));
      p.status = {
        ...(p.status ?? {}),
        phase: 'Running', hostIP: nodeIp, hostIPs: [{ ip: nodeIp }], podIP: podIPs[0], podIPs: podIPs.map((ip) => ({ ip })),
        startTime: p.status?.startTime ?? now, qosClass: p.status?.qosClass ?? 'BestEffort',
        conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now })),
        containerStatuses: p.status?.containerStatuses ?? containerStatuses,
      };
      syncEphemeralStatuses(p);
      this.store.update(P, p);
    }
  }

  /** Background garbage collection: delete objects whose controller owner is gone. */
  private garbageCollect(): void {
    const uids = new Set<string>();
    const types = this.store.allTypes();
    for (const t of types) for (const o of this.store.peek(t)) uids.add(o.metadata.uid);
    for (const t of types) {
      for (const o of [...this.store.peek(t)]) {
        const refs: KObj[] = o.metadata.ownerReferences ?? [];
        if (refs.length && refs.every((r) => !uids.has(r.uid))) this.store.delete(t, o.metadata.namespace, o.metadata.name);
      }
    }
  }

  private services(): void {
    const S = T('services');
    const E = T('endpoints');
    const ES = T('endpointslices', 'discovery.k8s.io');
    const services = this.store.peek(S);
    for (const svc of services) {
      const ns = svc.metadata.namespace;
      const sel: Record<string, string> | undefined = svc.spec?.selector;
      if (!sel || Object.keys(sel).length === 0) continue; // manually managed endpoints
      const pods = this.store.peek(T('pods'), ns).filter((p) => matchMapSelector(sel, p.metadata.labels) && p.status?.podIP && !p.metadata.deletionTimestamp && p.status?.phase === 'Running');
      const ports: KObj[] = svc.spec.ports ?? [];
      const resolvePort = (sp: KObj, pod: KObj): number | undefined => {
        const tp = sp.targetPort ?? sp.port;
        if (typeof tp === 'number') return tp;
        for (const c of pod.spec?.containers ?? []) for (const cp of c.ports ?? []) if (cp.name === tp) return cp.containerPort;
        return undefined;
      };
      // Endpoints (v1): one subset per distinct port set
      const subsetsMap = new Map<string, KObj>();
      for (const pod of pods) {
        const eps = ports.map((sp) => ({ name: sp.name, port: resolvePort(sp, pod), protocol: sp.protocol ?? 'TCP' })).filter((x) => x.port !== undefined);
        const k = JSON.stringify(eps);
        let sub = subsetsMap.get(k);
        if (!sub) { sub = { addresses: [], ports: eps.map((e) => (e.name ? e : { port: e.port, protocol: e.protocol })) }; subsetsMap.set(k, sub); }
        for (const ip of (pod.status.podIPs ?? [{ ip: pod.status.podIP }]).map((x: KObj) => x.ip).filter((ip: string) => !ip.includes(':'))) {
          sub.addresses.push({ ip, nodeName: pod.spec.nodeName, targetRef: { kind: 'Pod', namespace: ns, name: pod.metadata.name, uid: pod.metadata.uid } });
        }
      }
      const subsets = [...subsetsMap.values()].filter((s) => s.addresses.length);
      const epObj: KObj = { metadata: { name: svc.metadata.name, namespace: ns, labels: { ...(svc.metadata.labels ?? {}) } }, subsets: subsets.length ? subsets : undefined };
      const existing = this.store.get(E, ns, svc.metadata.name);
      if (!existing) this.store.create(E, epObj);
      else if (JSON.stringify(existing.subsets) !== JSON.stringify(epObj.subsets)) { existing.subsets = epObj.subsets; if (!existing.subsets) delete existing.subsets; this.store.update(E, existing); }

      // EndpointSlices: one per address family present
      for (const family of ['IPv4', 'IPv6'] as const) {
        const name = `${svc.metadata.name}-${shortHash([svc.metadata.uid, family]).slice(0, 5)}`;
        const endpoints: KObj[] = [];
        let slicePorts: KObj[] = [];
        for (const pod of pods) {
          const ips = (pod.status.podIPs ?? [{ ip: pod.status.podIP }]).map((x: KObj) => x.ip).filter((ip: string) => ip.includes(':') === (family === 'IPv6'));
          if (!ips.length) continue;
          slicePorts = ports.map((sp) => ({ name: sp.name ?? '', port: resolvePort(sp, pod), protocol: sp.protocol ?? 'TCP' }));
          endpoints.push({ addresses: [ips[0]], conditions: { ready: true, serving: true, terminating: false }, nodeName: pod.spec.nodeName, targetRef: { kind: 'Pod', namespace: ns, name: pod.metadata.name, uid: pod.metadata.uid } });
        }
        const svcFamilies: string[] = svc.spec.ipFamilies ?? ['IPv4'];
        const cur = this.store.get(ES, ns, name);
        if (!svcFamilies.includes(family) && !endpoints.length) { if (cur) this.store.delete(ES, ns, name); continue; }
        const slice: KObj = {
          metadata: {
            name, namespace: ns, generateName: `${svc.metadata.name}-`,
            labels: { ...(svc.metadata.labels ?? {}), 'kubernetes.io/service-name': svc.metadata.name, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
            ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: svc.metadata.name, uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }],
          },
          addressType: family, endpoints, ports: slicePorts,
        };
        if (!cur) this.store.create(ES, slice);
        else if (JSON.stringify([cur.endpoints, cur.ports]) !== JSON.stringify([slice.endpoints, slice.ports])) { cur.endpoints = endpoints; cur.ports = slicePorts; this.store.update(ES, cur); }
      }
    }
    // Endpoints of deleted services
    for (const ep of [...this.store.peek(E)]) {
      const svc = services.find((s) => s.metadata.namespace === ep.metadata.namespace && s.metadata.name === ep.metadata.name);
      if (!svc) this.store.delete(E, ep.metadata.namespace, ep.metadata.name);
    }
  }
}

function tolerates(pod: KObj, taint: KObj): boolean {
  return (pod.spec?.tolerations ?? []).some((t: KObj) => (t.operator === 'Exists' && (!t.key || t.key === taint.key)) || (t.key === taint.key && (t.value ?? '') === (taint.value ?? '')));
}

function syncEphemeralStatuses(p: KObj): boolean {
  const eph: KObj[] = p.spec?.ephemeralContainers ?? [];
  const have: KObj[] = p.status?.ephemeralContainerStatuses ?? [];
  if (eph.length === have.length) return false;
  p.status.ephemeralContainerStatuses = eph.map((c) => have.find((h) => h.name === c.name) ?? {
    name: c.name, image: c.image, imageID: '', containerID: `containerd://${createHash('sha256').update(p.metadata.uid + c.name).digest('hex')}`,
    ready: false, restartCount: 0, state: { running: { startedAt: nowTimestamp() } }, lastState: {},
  });
  return true;
}

export function isPodReady(p: KObj): boolean {
  return p.status?.phase === 'Running' && (p.status?.conditions ?? []).some((c: KObj) => c.type === 'Ready' && c.status === 'True');
}

/** Defaults the API server applies to pods on create. */
export function applyPodDefaults(pod: KObj): void {
  const s = pod.spec ?? (pod.spec = {});
  s.restartPolicy = s.restartPolicy ?? 'Always';
  s.terminationGracePeriodSeconds = s.terminationGracePeriodSeconds ?? 30;
  s.dnsPolicy = s.dnsPolicy ?? 'ClusterFirst';
  s.serviceAccountName = s.serviceAccountName ?? s.serviceAccount ?? 'default';
  s.serviceAccount = s.serviceAccountName;
  s.schedulerName = s.schedulerName ?? 'default-scheduler';
  s.securityContext = s.securityContext ?? {};
  s.enableServiceLinks = s.enableServiceLinks ?? true;
  for (const c of [...(s.containers ?? []), ...(s.initContainers ?? [])]) {
    c.terminationMessagePath = c.terminationMessagePath ?? '/dev/termination-log';
    c.terminationMessagePolicy = c.terminationMessagePolicy ?? 'File';
    c.imagePullPolicy = c.imagePullPolicy ?? (/:latest$|^[^:]*$/.test(String(c.image)) ? 'Always' : 'IfNotPresent');
    c.resources = c.resources ?? {};
    for (const p of c.ports ?? []) p.protocol = p.protocol ?? 'TCP';
  }
}
