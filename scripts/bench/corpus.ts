/**
 * A deterministic corpus of realistic Kubernetes manifests for the benchmark:
 * the same seed gives the same bytes. Mix per resource: NetworkPolicies
 * exactly 10%, workloads (Deployments, StatefulSets, DaemonSets, CronJobs,
 * Pods) ~45% with a Service for most Deployments, RBAC (ServiceAccounts,
 * Roles, RoleBindings, ClusterRoles, ClusterRoleBindings) ~20%, ConfigMaps
 * for the rest, and one Namespace per ~50 resources with Pod Security
 * Admission labels. About a quarter of the workloads are insecure
 * (privileged, host namespaces, hostPath, root, :latest, no limits).
 */

/** mulberry32: small, fast, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface CorpusFile {
  name: string;
  text: string;
}

export interface Corpus {
  resources: number;
  /** Every resource in one multi-document file. */
  single: CorpusFile;
  /** The same resources, ~20 per file. */
  split: CorpusFile[];
  /** How many NetworkPolicies (for the re-analysis measurement). */
  policies: number;
}

const APPS = ['web', 'api', 'cart', 'search', 'auth', 'billing', 'mail', 'report', 'queue', 'cache', 'gateway', 'media', 'audit', 'metrics', 'orders'];
const IMAGES = ['nginx', 'redis', 'postgres', 'busybox', 'registry.example.com/team/app', 'ghcr.io/acme/service', 'envoyproxy/envoy', 'grafana/grafana'];
const LEVELS = ['restricted', 'baseline', 'privileged', 'restricted', 'baseline'];

export function generateCorpus(resources: number, seed = 42, perFile = 20): Corpus {
  const rnd = prng(seed ^ resources);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const chance = (p: number) => rnd() < p;
  const docs: string[] = [];
  const nsCount = Math.max(2, Math.round(resources / 50));
  const namespaces = Array.from({ length: nsCount }, (_, i) => `team-${i}`);
  let policies = 0;

  for (const ns of namespaces) {
    if (docs.length >= resources) break;
    const level = pick(LEVELS);
    docs.push(`apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
  labels:
    pod-security.kubernetes.io/enforce: ${level}
    pod-security.kubernetes.io/enforce-version: v1.33
    pod-security.kubernetes.io/warn: restricted
`);
  }

  let n = 0;
  while (docs.length < resources) {
    n++;
    const ns = pick(namespaces);
    const app = `${pick(APPS)}-${n}`;
    const slot = docs.length % 10;
    if (slot === 0) {
      docs.push(networkPolicy(ns, app, rnd));
      policies++;
      continue;
    }
    const r = rnd();
    if (r < 0.5) {
      const insecure = chance(0.25);
      const kindRoll = rnd();
      const kind = kindRoll < 0.45 ? 'Deployment' : kindRoll < 0.6 ? 'StatefulSet' : kindRoll < 0.7 ? 'DaemonSet' : kindRoll < 0.82 ? 'CronJob' : 'Pod';
      docs.push(workload(kind, ns, app, insecure, rnd, pick));
      if ((kind === 'Deployment' || kind === 'StatefulSet') && docs.length < resources && docs.length % 10 !== 0) docs.push(service(ns, app, rnd));
    } else if (r < 0.72) {
      docs.push(rbac(ns, app, rnd, pick));
    } else {
      docs.push(configMap(ns, app, rnd));
    }
  }
  docs.length = resources;

  const split: CorpusFile[] = [];
  for (let i = 0; i < docs.length; i += perFile) split.push({ name: `part-${String(split.length).padStart(4, '0')}.yaml`, text: docs.slice(i, i + perFile).join('---\n') });
  return { resources, single: { name: 'all.yaml', text: docs.join('---\n') }, split, policies };
}

function securityContext(insecure: boolean, rnd: () => number, indent: string): string {
  if (insecure) {
    const r = rnd();
    if (r < 0.3) return `${indent}securityContext:\n${indent}  privileged: true\n`;
    if (r < 0.55) return `${indent}securityContext:\n${indent}  runAsUser: 0\n${indent}  allowPrivilegeEscalation: true\n`;
    if (r < 0.8) return `${indent}securityContext:\n${indent}  capabilities:\n${indent}    add: [NET_ADMIN, SYS_ADMIN]\n`;
    return '';
  }
  return `${indent}securityContext:
${indent}  allowPrivilegeEscalation: false
${indent}  readOnlyRootFilesystem: true
${indent}  runAsNonRoot: true
${indent}  capabilities:
${indent}    drop: [ALL]
`;
}

function podSpec(app: string, insecure: boolean, rnd: () => number, pick: <T>(xs: readonly T[]) => T, indent: string): string {
  const image = `${pick(IMAGES)}:${insecure && rnd() < 0.5 ? 'latest' : `1.${Math.floor(rnd() * 30)}.${Math.floor(rnd() * 10)}`}`;
  const i = indent;
  let s = '';
  s += `${i}serviceAccountName: ${app}\n`;
  if (!insecure) s += `${i}automountServiceAccountToken: false\n${i}securityContext:\n${i}  runAsNonRoot: true\n${i}  seccompProfile:\n${i}    type: RuntimeDefault\n`;
  else if (rnd() < 0.3) s += `${i}hostNetwork: true\n${i}hostPID: true\n`;
  s += `${i}containers:\n${i}- name: ${app.split('-')[0]}\n${i}  image: ${image}\n`;
  s += `${i}  ports:\n${i}  - containerPort: ${8000 + Math.floor(rnd() * 1000)}\n${i}    protocol: TCP\n`;
  s += `${i}  env:\n${i}  - name: LOG_LEVEL\n${i}    value: ${pick(['info', 'debug', 'warn'])}\n${i}  - name: DB_HOST\n${i}    value: db.${app}.svc\n`;
  if (!insecure || rnd() < 0.5) s += `${i}  resources:\n${i}    requests:\n${i}      cpu: ${50 + Math.floor(rnd() * 200)}m\n${i}      memory: ${64 + Math.floor(rnd() * 256)}Mi\n${i}    limits:\n${i}      cpu: 500m\n${i}      memory: 512Mi\n`;
  s += `${i}  readinessProbe:\n${i}    httpGet:\n${i}      path: /healthz\n${i}      port: 8080\n`;
  s += securityContext(insecure, rnd, `${i}  `);
  s += `${i}  volumeMounts:\n${i}  - name: config\n${i}    mountPath: /etc/${app}\n`;
  s += `${i}volumes:\n${i}- name: config\n${i}  configMap:\n${i}    name: ${app}-config\n`;
  if (insecure && rnd() < 0.3) s += `${i}- name: host\n${i}  hostPath:\n${i}    path: /var/run\n`;
  return s;
}

function workload(kind: string, ns: string, app: string, insecure: boolean, rnd: () => number, pick: <T>(xs: readonly T[]) => T): string {
  const meta = `metadata:\n  name: ${app}\n  namespace: ${ns}\n  labels:\n    app.kubernetes.io/name: ${app}\n    app.kubernetes.io/part-of: shop\n`;
  const tmplMeta = (i: string) => `${i}metadata:\n${i}  labels:\n${i}    app.kubernetes.io/name: ${app}\n`;
  if (kind === 'Pod') return `apiVersion: v1\nkind: Pod\n${meta}spec:\n${podSpec(app, insecure, rnd, pick, '  ')}`;
  if (kind === 'CronJob')
    return `apiVersion: batch/v1\nkind: CronJob\n${meta}spec:\n  schedule: "${Math.floor(rnd() * 60)} ${Math.floor(rnd() * 24)} * * *"\n  jobTemplate:\n    spec:\n      template:\n${tmplMeta('        ')}        spec:\n          restartPolicy: OnFailure\n${podSpec(app, insecure, rnd, pick, '          ')}`;
  const replicas = kind === 'DaemonSet' ? '' : `  replicas: ${1 + Math.floor(rnd() * 5)}\n`;
  const svc = kind === 'StatefulSet' ? `  serviceName: ${app}\n` : '';
  return `apiVersion: apps/v1\nkind: ${kind}\n${meta}spec:\n${replicas}${svc}  selector:\n    matchLabels:\n      app.kubernetes.io/name: ${app}\n  template:\n${tmplMeta('    ')}    spec:\n${podSpec(app, insecure, rnd, pick, '      ')}`;
}

function service(ns: string, app: string, rnd: () => number): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${app}
  namespace: ${ns}
spec:
  type: ${rnd() < 0.1 ? 'LoadBalancer' : 'ClusterIP'}
  selector:
    app.kubernetes.io/name: ${app}
  ports:
  - name: http
    port: 80
    targetPort: 8080
`;
}

function networkPolicy(ns: string, app: string, rnd: () => number): string {
  const r = rnd();
  if (r < 0.3)
    return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-${app}
  namespace: ${ns}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`;
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-${app}
  namespace: ${ns}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: ${app.replace(/-\d+$/, '')}-${Math.max(1, Math.floor(rnd() * 1000))}
  policyTypes: [Ingress${r < 0.7 ? ', Egress' : ''}]
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: ${ns}
      podSelector:
        matchLabels:
          app.kubernetes.io/part-of: shop
    ports:
    - protocol: TCP
      port: 8080
${
  r < 0.7
    ? `  egress:
  - to:
    - ipBlock:
        cidr: ${rnd() < 0.2 ? '0.0.0.0/0' : `10.${Math.floor(rnd() * 255)}.0.0/16`}
    ports:
    - protocol: TCP
      port: 5432
  - to:
    - namespaceSelector: {}
      podSelector:
        matchLabels:
          k8s-app: kube-dns
    ports:
    - protocol: UDP
      port: 53
`
    : ''
}`;
}

function rbac(ns: string, app: string, rnd: () => number, pick: <T>(xs: readonly T[]) => T): string {
  const r = rnd();
  if (r < 0.4)
    return `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${app}
  namespace: ${ns}
automountServiceAccountToken: false
`;
  const wide = rnd() < 0.15;
  const rules = wide
    ? `rules:\n- apiGroups: ["*"]\n  resources: ["*"]\n  verbs: ["*"]\n`
    : `rules:\n- apiGroups: [""]\n  resources: [${pick(['configmaps', 'pods', 'services'])}]\n  verbs: [get, list, watch]\n- apiGroups: [apps]\n  resources: [deployments]\n  verbs: [get]\n`;
  if (r < 0.65) return `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: ${app}\n  namespace: ${ns}\n${rules}`;
  if (r < 0.85)
    return `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: ${app}
  namespace: ${ns}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: ${app}
subjects:
- kind: ServiceAccount
  name: ${app}
  namespace: ${ns}
`;
  if (r < 0.93) return `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: ${app}\n${rules}`;
  return `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ${app}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: ${wide ? 'cluster-admin' : 'view'}
subjects:
- kind: ServiceAccount
  name: ${app}
  namespace: ${ns}
`;
}

function configMap(ns: string, app: string, rnd: () => number): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${app}-config
  namespace: ${ns}
data:
  LOG_FORMAT: json
  TIMEOUT: "${Math.floor(rnd() * 60)}s"
  app.properties: |
    feature.a=${rnd() < 0.5}
    feature.b=${rnd() < 0.5}
`;
}

/**
 * Three small templates (a hardened Deployment, a Service, a ConfigMap) in flow and block
 * style, cycled to build one big file for the schema-validation benchmark and its test.
 */
export const SCHEMA_TEMPLATES: ((i: number) => string)[] = [
  (i: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-${i}
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{containerPort: 8080, name: http}]
          securityContext:
            runAsNonRoot: true
            allowPrivilegeEscalation: false
            seccompProfile: {type: RuntimeDefault}
          resources:
            limits: {cpu: 500m, memory: 128Mi}
`,
  (i: number) => `apiVersion: v1
kind: Service
metadata: {name: svc-${i}}
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: http
`,
  (i: number) => `apiVersion: v1
kind: ConfigMap
metadata: {name: cfg-${i}}
data:
  key: value-${i}
`,
];
