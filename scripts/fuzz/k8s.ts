/**
 * Kubernetes object templates covering the fields the rules read, and
 * "wrong type" rewriting: any field may become null, a number, a list, a
 * map or a string where something else is expected (`containers: 5`,
 * `securityContext: []`, `metadata: "x"`, `annotations: [1, 2]`…).
 */
import { Rng } from './rng';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const container = (name: string, image: string): Json => ({
  name,
  image,
  ports: [{ containerPort: 8080, hostPort: 80, protocol: 'TCP' }],
  env: [
    { name: 'PASSWORD', value: 'hunter2' },
    { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
  ],
  resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m' } },
  securityContext: {
    privileged: true,
    allowPrivilegeEscalation: true,
    readOnlyRootFilesystem: false,
    runAsNonRoot: false,
    runAsUser: 0,
    runAsGroup: 0,
    procMount: 'Unmasked',
    capabilities: { add: ['NET_ADMIN', 'SYS_ADMIN', 'ALL'], drop: ['NET_RAW'] },
    seccompProfile: { type: 'Unconfined' },
    appArmorProfile: { type: 'Unconfined' },
    seLinuxOptions: { type: 'spc_t', user: 'root', role: 'r' },
    windowsOptions: { hostProcess: true },
  },
  livenessProbe: { httpGet: { host: '10.0.0.1', port: 8080, path: '/' } },
  readinessProbe: { tcpSocket: { host: 'evil', port: 'http' } },
  lifecycle: { postStart: { httpGet: { host: 'x', port: 80 } }, preStop: { tcpSocket: { host: 'y', port: 1 } } },
  volumeMounts: [{ name: 'sock', mountPath: '/var/run/docker.sock' }],
});

const podSpec = (): Json => ({
  hostNetwork: true,
  hostPID: true,
  hostIPC: true,
  serviceAccountName: 'default',
  automountServiceAccountToken: true,
  securityContext: {
    runAsNonRoot: false,
    runAsUser: 0,
    sysctls: [{ name: 'kernel.shm_rmid_forced', value: '1' }, { name: 'net.core.somaxconn', value: '1024' }],
    seccompProfile: { type: 'RuntimeDefault' },
    seLinuxOptions: { level: 's0:c1' },
    windowsOptions: { hostProcess: false },
  },
  initContainers: [container('init', 'busybox')],
  containers: [container('app', 'nginx:latest'), container('side', 'envoy@sha256:abc')],
  ephemeralContainers: [container('debug', 'busybox:1.36')],
  volumes: [
    { name: 'sock', hostPath: { path: '/var/run/docker.sock', type: 'Socket' } },
    { name: 'root', hostPath: { path: '/' } },
    { name: 'data', emptyDir: {} },
    { name: 'cfg', configMap: { name: 'c' } },
    { name: 'nfs', nfs: { server: 'x', path: '/' } },
  ],
});

const meta = (name: string, ns?: string): Json => {
  const m: { [k: string]: Json } = {
    name,
    labels: { app: 'web', tier: 'front' },
    annotations: {
      'container.apparmor.security.beta.kubernetes.io/app': 'unconfined',
      'seccomp.security.alpha.kubernetes.io/pod': 'unconfined',
      'ignore.k8s-guardrails.io/privileged-container': 'because',
      'ignore.k8s-guardrails.io/host-namespaces': '',
    },
  };
  if (ns) m.namespace = ns;
  return m;
};

export function templates(): Json[] {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: meta('p', 'shop'), spec: podSpec() };
  const template = { metadata: { labels: { app: 'web' }, annotations: { a: 'b' } }, spec: podSpec() };
  return [
    pod,
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('d', 'shop'), spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template } },
    { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta('ds'), spec: { selector: { matchLabels: { app: 'web' } }, template } },
    { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('ss', 'db'), spec: { serviceName: 's', selector: { matchLabels: { app: 'db' } }, template } },
    { apiVersion: 'batch/v1', kind: 'Job', metadata: meta('j'), spec: { template } },
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('cj'), spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } } },
    { apiVersion: 'v1', kind: 'PodTemplate', metadata: meta('pt'), template },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('np', 'shop'),
      spec: {
        podSelector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          {
            from: [
              { podSelector: {} },
              { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { k8s: 'dns' } } },
              { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } },
            ],
            ports: [{ port: 80, protocol: 'TCP' }, { port: 'http', endPort: 90 }],
          },
        ],
        egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 53, protocol: 'UDP' }] }],
      },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta('cr'),
      rules: [
        { apiGroups: ['', 'apps'], resources: ['secrets', 'pods/exec', '*'], verbs: ['get', 'create', '*'], resourceNames: ['x'] },
        { nonResourceURLs: ['/metrics', '*'], verbs: ['get'] },
      ],
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { agg: 'true' } }] },
    },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta('r', 'shop'), rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['escalate', 'bind', 'impersonate'] }] },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta('crb'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [
        { kind: 'ServiceAccount', name: 'default', namespace: 'shop' },
        { kind: 'Group', name: 'system:authenticated', apiGroup: 'rbac.authorization.k8s.io' },
        { kind: 'User', name: 'alice' },
      ],
    },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta('rb', 'shop'), roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: 'app' }] },
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.29', 'pod-security.kubernetes.io/warn': 'restricted' } },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('app', 'shop'), automountServiceAccountToken: true },
    { apiVersion: 'v1', kind: 'List', items: [pod, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'db' } }] },
  ];
}

const SPECIAL_STRINGS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype', 'valueOf', ''];

/** A value of a (probably) wrong type. */
export function wrongValue(rng: Rng, depth = 0): Json {
  switch (rng.int(0, 22)) {
    case 0:
      return null;
    case 1:
      return 5;
    case 2:
      return 0;
    case 3:
      return -1;
    case 4:
      return rng.pick([3.5, 1e300, -0.0, 2 ** 53 + 1, 65536, 4294967296]);
    case 5:
      return rng.pick([Infinity, -Infinity, NaN]) as number;
    case 6:
      return rng.chance(0.5);
    case 7:
      return 'x';
    case 8:
      return '';
    case 9:
      return rng.pick(['yes', 'no', 'on', 'off', 'y', 'n', 'true', 'null', '~', '0755', '0x1F', '1e3', '2001-12-14', '*', '/']);
    case 10:
      return [];
    case 11:
      return [1, 2];
    case 12:
      return ['a', null, { b: 1 }];
    case 13:
      return {};
    case 14:
      return { a: 1 };
    case 15:
      return rng.pick(SPECIAL_STRINGS);
    case 16:
      return 'a'.repeat(rng.logInt(100, 20000));
    case 17: {
      const o: { [k: string]: Json } = {};
      Object.defineProperty(o, rng.pick(SPECIAL_STRINGS), { value: rng.pick<Json>([1, 'x', {}, []]), enumerable: true, writable: true, configurable: true });
      return o;
    }
    case 18:
      return depth < 3 ? [wrongValue(rng, depth + 1), wrongValue(rng, depth + 1)] : [];
    case 19:
      return depth < 3 ? { [rng.pick(['name', 'type', 'path', 'add', 'value', 'x'])]: wrongValue(rng, depth + 1) } : {};
    case 20:
      return rng.pick(['\u0000', '\ud800', '\udfff', '😀', '\u2028', 'a\nb', ' x ', '\t', '"', "'", '#', ': ', '- ', '{{ .Values.x }}']);
    case 21:
      return [[[[[]]]]];
    default:
      return rng.pick(['NET_ADMIN', 'ALL', 'Unconfined', 'Localhost', '/', '/var/run/docker.sock', 'cluster-admin', '*', 'system:masters', '0.0.0.0/0', '::/0', '999.1.1.1/40', 'kube-system']);
  }
}

type Path = (string | number)[];

/** Every path in a value (bounded). */
export function paths(v: Json, limit = 5000): Path[] {
  const out: Path[] = [];
  const todo: [Json, Path][] = [[v, []]];
  const seen = new Set<unknown>();
  while (todo.length && out.length < limit) {
    const [x, p] = todo.pop()!;
    if (p.length) out.push(p);
    if (typeof x !== 'object' || x === null || seen.has(x) || p.length > 40) continue;
    seen.add(x);
    if (Array.isArray(x)) x.forEach((c, i) => todo.push([c, [...p, i]]));
    else for (const k of Object.keys(x)) todo.push([x[k], [...p, k]]);
  }
  return out;
}

function clone(v: Json): Json {
  return structuredClone(v);
}

/** Replace the value at `path` (cloning containers along it so shared aliases are not touched elsewhere). */
export function setAt(root: Json, path: Path, value: Json): Json {
  if (!path.length) return value;
  const copy = Array.isArray(root) ? [...root] : typeof root === 'object' && root !== null ? { ...root } : {};
  const [head, ...rest] = path;
  const child = (copy as any)[head] as Json;
  const next = setAt(child === undefined ? null : child, rest, value);
  if (head === '__proto__') Object.defineProperty(copy, head, { value: next, enumerable: true, writable: true, configurable: true });
  else (copy as any)[head] = next;
  return copy as Json;
}

/** Swap the types of 1..n values of `v`. */
export function typeSwap(rng: Rng, v: Json): Json {
  const all = paths(v);
  if (!all.length) return wrongValue(rng);
  let out = v;
  if (rng.chance(0.15)) {
    // Everything wrong at once, at a fixed rate.
    const rate = rng.pick([0.05, 0.2, 0.5]);
    // Longest paths first so parents replaced later win.
    for (const p of [...all].sort((a, b) => b.length - a.length)) if (rng.chance(rate)) out = setAt(out, p, wrongValue(rng));
    return out;
  }
  const n = rng.int(1, 5);
  for (let i = 0; i < n; i++) out = setAt(out, rng.pick(all), wrongValue(rng));
  return out;
}

export { clone };
