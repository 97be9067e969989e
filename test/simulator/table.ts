/**
 * Server-side printing (meta.k8s.io/v1 Table) for `kubectl get` without -o,
 * with the most useful columns of the real server for common kinds.
 */
import { KObj, ResourceType } from './store';

interface Col { name: string; type: string; format?: string; priority?: number; description?: string }

export function humanDuration(fromIso: string | undefined, now = Date.now()): string {
  if (!fromIso) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(fromIso)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return `${d}d${h % 24 ? `${h % 24}h` : ''}`;
  if (d < 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  return d % 365 ? `${y}y${d % 365}d` : `${y}y`;
}

function podStatus(p: KObj): string {
  if (p.metadata.deletionTimestamp) return 'Terminating';
  for (const c of p.status?.containerStatuses ?? []) {
    if (c.state?.waiting?.reason) return c.state.waiting.reason;
    if (c.state?.terminated?.reason) return c.state.terminated.reason;
  }
  return p.status?.phase ?? 'Pending';
}

function svcPorts(s: KObj): string {
  const ports: KObj[] = s.spec?.ports ?? [];
  if (!ports.length) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function columnsFor(t: ResourceType): { cols: Col[]; cells: (o: KObj) => unknown[] } {
  const age = (o: KObj) => humanDuration(o.metadata.creationTimestamp);
  const name: Col = { name: 'Name', type: 'string', format: 'name' };
  const ageCol: Col = { name: 'Age', type: 'string' };
  switch (t.plural) {
    case 'pods':
      return {
        cols: [name, { name: 'Ready', type: 'string' }, { name: 'Status', type: 'string' }, { name: 'Restarts', type: 'string' }, ageCol,
          { name: 'IP', type: 'string', priority: 1 }, { name: 'Node', type: 'string', priority: 1 }],
        cells: (o) => {
          const cs: KObj[] = o.status?.containerStatuses ?? [];
          return [o.metadata.name, `${cs.filter((c) => c.ready).length}/${(o.spec?.containers ?? []).length}`, podStatus(o),
            String(cs.reduce((n, c) => n + (c.restartCount ?? 0), 0)), age(o), o.status?.podIP ?? '<none>', o.spec?.nodeName ?? '<none>'];
        },
      };
    case 'deployments':
      return {
        cols: [name, { name: 'Ready', type: 'string' }, { name: 'Up-to-date', type: 'integer' }, { name: 'Available', type: 'integer' }, ageCol],
        cells: (o) => [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`, o.status?.updatedReplicas ?? 0, o.status?.availableReplicas ?? 0, age(o)],
      };
    case 'replicasets':
      return {
        cols: [name, { name: 'Desired', type: 'integer' }, { name: 'Current', type: 'integer' }, { name: 'Ready', type: 'integer' }, ageCol],
        cells: (o) => [o.metadata.name, o.spec?.replicas ?? 1, o.status?.replicas ?? 0, o.status?.readyReplicas ?? 0, age(o)],
      };
    case 'daemonsets':
      return {
        cols: [name, { name: 'Desired', type: 'integer' }, { name: 'Current', type: 'integer' }, { name: 'Ready', type: 'integer' }, ageCol],
        cells: (o) => [o.metadata.name, o.status?.desiredNumberScheduled ?? 0, o.status?.currentNumberScheduled ?? 0, o.status?.numberReady ?? 0, age(o)],
      };
    case 'statefulsets':
      return { cols: [name, { name: 'Ready', type: 'string' }, ageCol], cells: (o) => [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`, age(o)] };
    case 'services':
      return {
        cols: [name, { name: 'Type', type: 'string' }, { name: 'Cluster-IP', type: 'string' }, { name: 'External-IP', type: 'string' }, { name: 'Port(s)', type: 'string' }, ageCol],
        cells: (o) => [o.metadata.name, o.spec?.type ?? 'ClusterIP', o.spec?.clusterIP ?? '<none>', o.spec?.type === 'LoadBalancer' ? '<pending>' : '<none>', svcPorts(o), age(o)],
      };
    case 'nodes':
      return {
        cols: [name, { name: 'Status', type: 'string' }, { name: 'Roles', type: 'string' }, ageCol, { name: 'Version', type: 'string' },
          { name: 'Internal-IP', type: 'string', priority: 1 }],
        cells: (o) => {
          const ready = (o.status?.conditions ?? []).find((c: KObj) => c.type === 'Ready')?.status === 'True' ? 'Ready' : 'NotReady';
          const roles = Object.keys(o.metadata.labels ?? {}).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.split('/')[1]);
          return [o.metadata.name, o.spec?.unschedulable ? `${ready},SchedulingDisabled` : ready, roles.join(',') || '<none>', age(o),
            o.status?.nodeInfo?.kubeletVersion ?? '', (o.status?.addresses ?? []).find((a: KObj) => a.type === 'InternalIP')?.address ?? '<none>'];
        },
      };
    case 'namespaces':
      return { cols: [name, { name: 'Status', type: 'string' }, ageCol], cells: (o) => [o.metadata.name, o.status?.phase ?? 'Active', age(o)] };
    case 'endpoints':
      return {
        cols: [name, { name: 'Endpoints', type: 'string' }, ageCol],
        cells: (o) => {
          const eps = (o.subsets ?? []).flatMap((s: KObj) => (s.addresses ?? []).flatMap((a: KObj) => (s.ports ?? [{}]).map((p: KObj) => (p.port ? `${a.ip}:${p.port}` : a.ip))));
          return [o.metadata.name, eps.length ? eps.slice(0, 3).join(',') + (eps.length > 3 ? ` + ${eps.length - 3} more...` : '') : '<none>', age(o)];
        },
      };
    case 'events':
      return {
        cols: [{ name: 'Last Seen', type: 'string' }, { name: 'Type', type: 'string' }, { name: 'Reason', type: 'string' }, { name: 'Object', type: 'string' }, { name: 'Message', type: 'string' }],
        cells: (o) => [humanDuration(o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp), o.type, o.reason, `${String(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name}`, o.message],
      };
    case 'networkpolicies':
      return { cols: [name, { name: 'Pod-Selector', type: 'string' }, ageCol], cells: (o) => [o.metadata.name, Object.entries(o.spec?.podSelector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>', age(o)] };
    case 'clusterrolebindings': case 'rolebindings':
      return { cols: [name, { name: 'Role', type: 'string' }, ageCol], cells: (o) => [o.metadata.name, `${o.roleRef?.kind}/${o.roleRef?.name}`, age(o)] };
    default:
      return { cols: [name, { name: 'Age', type: 'string' }], cells: (o) => [o.metadata.name, age(o)] };
  }
}

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

export function toTable(t: ResourceType, objs: KObj[], listMeta: KObj, includeObject: string | null): KObj {
  const { cols, cells } = columnsFor(t);
  return {
    kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: listMeta,
    columnDefinitions: cols.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? c.name, priority: c.priority ?? 0 })),
    rows: objs.map((o) => ({
      cells: cells(o),
      object: includeObject === 'None' ? undefined
        : includeObject === 'Object' ? { ...o, apiVersion: t.group ? `${t.group}/${t.version}` : t.version, kind: t.kind }
          : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
