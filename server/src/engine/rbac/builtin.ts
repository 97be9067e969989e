/**
 * Built-in ClusterRoles known without being in the files.
 *
 * APPROXIMATION: the rule sets below follow the upstream bootstrap policy
 * (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go, Kubernetes ~1.30) but are not guaranteed to be
 * byte-identical with any particular cluster version; deprecated groups (extensions) are kept where upstream keeps them.
 * The aggregation structure is modelled exactly as upstream:
 *   view  aggregates `rbac.authorization.k8s.io/aggregate-to-view: "true"`  (system:aggregate-to-view holds the rules)
 *   edit  aggregates `…/aggregate-to-edit: "true"` (system:aggregate-to-edit, and view which is labelled aggregate-to-edit)
 *   admin aggregates `…/aggregate-to-admin: "true"` (system:aggregate-to-admin, and edit which is labelled aggregate-to-admin)
 * so user ClusterRoles labelled e.g. aggregate-to-view are added to view, edit and admin.
 * Other well-known system roles are recognised by name (not dangling) with an approximate or empty rule set.
 * The built-in Roles of kube-system / kube-public are modelled with their rules, and the controller ServiceAccounts of
 * kube-system are known to exist.
 */
import type { NormalizedRule } from './types';

const AGG = 'rbac.authorization.k8s.io/aggregate-to-';
const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];

function r(apiGroups: string[], resources: string[], verbs: string[]): Partial<NormalizedRule> {
  return { apiGroups, resources, verbs };
}

function clusterRole(name: string, rules: unknown[], labels?: Record<string, string>, aggregateLabel?: string): any {
  const o: any = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults', ...(labels ?? {}) } },
    rules,
  };
  if (aggregateLabel) {
    o.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [aggregateLabel]: 'true' } }] };
    o.rules = [];
  }
  return o;
}

/** Plain ClusterRole objects, as they would appear in a cluster (aggregated roles carry no own rules). */
export const BUILTIN_CLUSTER_ROLES: readonly any[] = [
  clusterRole('cluster-admin', [
    r(['*'], ['*'], ['*']),
    { nonResourceURLs: ['*'], verbs: ['*'] },
  ]),
  clusterRole('admin', [], undefined, AGG + 'admin'),
  clusterRole('edit', [], { [AGG + 'admin']: 'true' }, AGG + 'edit'),
  clusterRole('view', [], { [AGG + 'edit']: 'true' }, AGG + 'view'),
  clusterRole(
    'system:aggregate-to-admin',
    [
      r(['authorization.k8s.io'], ['localsubjectaccessreviews'], ['create']),
      r(['rbac.authorization.k8s.io'], ['rolebindings', 'roles'], [...WRITE, 'get', 'list', 'watch']),
    ],
    { [AGG + 'admin']: 'true' },
  ),
  clusterRole(
    'system:aggregate-to-edit',
    [
      r([''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'], READ),
      r([''], ['serviceaccounts'], ['impersonate']),
      r([''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'], WRITE),
      r([''], ['pods/eviction'], ['create']),
      r(
        [''],
        ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy'],
        WRITE,
      ),
      r([''], ['serviceaccounts/token'], ['create']),
      r(
        ['apps'],
        ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale'],
        WRITE,
      ),
      r(['autoscaling'], ['horizontalpodautoscalers'], WRITE),
      r(['batch'], ['cronjobs', 'jobs'], WRITE),
      r(
        ['extensions'],
        ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'ingresses', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale'],
        WRITE,
      ),
      r(['policy'], ['poddisruptionbudgets'], WRITE),
      r(['networking.k8s.io'], ['ingresses', 'networkpolicies'], WRITE),
      r(['coordination.k8s.io'], ['leases'], [...WRITE, 'get', 'list', 'watch']),
    ],
    { [AGG + 'edit']: 'true' },
  ),
  clusterRole(
    'system:aggregate-to-view',
    [
      r(
        [''],
        ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status'],
        READ,
      ),
      r(
        [''],
        ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status'],
        READ,
      ),
      r([''], ['namespaces'], READ),
      r(['discovery.k8s.io'], ['endpointslices'], READ),
      r(
        ['apps'],
        ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status'],
        READ,
      ),
      r(['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status'], READ),
      r(['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status'], READ),
      r(
        ['extensions'],
        ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale'],
        READ,
      ),
      r(['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status'], READ),
      r(['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies'], READ),
    ],
    { [AGG + 'view']: 'true' },
  ),
  clusterRole('system:basic-user', [
    r(['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], ['create']),
    r(['authentication.k8s.io'], ['selfsubjectreviews'], ['create']),
  ]),
  clusterRole('system:discovery', [
    { nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'], verbs: ['get'] },
  ]),
  clusterRole('system:public-info-viewer', [
    { nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get'] },
  ]),
  clusterRole('system:auth-delegator', [
    r(['authentication.k8s.io'], ['tokenreviews'], ['create']),
    r(['authorization.k8s.io'], ['subjectaccessreviews'], ['create']),
  ]),
  clusterRole('system:monitoring', [
    { nonResourceURLs: ['/healthz', '/healthz/*', '/livez', '/livez/*', '/metrics', '/metrics/slis', '/readyz', '/readyz/*'], verbs: ['get'] },
  ]),
  clusterRole('system:service-account-issuer-discovery', [
    { nonResourceURLs: ['/.well-known/openid-configuration', '/.well-known/openid-configuration/', '/openid/v1/jwks', '/openid/v1/jwks/'], verbs: ['get'] },
  ]),
  clusterRole('system:kubelet-api-admin', [
    r([''], ['nodes'], ['get', 'list', 'watch', 'proxy']),
    r([''], ['nodes/log', 'nodes/metrics', 'nodes/proxy', 'nodes/stats'], ['*']),
  ]),
];

/**
 * Further default ClusterRoles (bootstrap policy ~1.33) recognised by name only (rules not modelled → no grants, never
 * dangling). Names starting with "system:controller:" (one per controller, controller_policy.go) or
 * "system:certificates.k8s.io:" are recognised too.
 */
export const KNOWN_SYSTEM_CLUSTER_ROLE_NAMES: readonly string[] = [
  'system:heapster',
  'system:kube-aggregator',
  'system:kube-controller-manager',
  'system:kube-dns',
  'system:kube-scheduler',
  'system:node',
  'system:node-bootstrapper',
  'system:node-problem-detector',
  'system:node-proxier',
  'system:persistent-volume-provisioner',
  'system:volume-scheduler',
];

export function isKnownSystemClusterRoleName(n: string): boolean {
  return (
    KNOWN_SYSTEM_CLUSTER_ROLE_NAMES.includes(n) ||
    n.startsWith('system:controller:') ||
    n.startsWith('system:certificates.k8s.io:')
  );
}

function role(namespace: string, name: string, rules: unknown[]): any {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name, namespace, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
    rules,
  };
}

function named(apiGroups: string[], resources: string[], verbs: string[], resourceNames: string[]): Partial<NormalizedRule> {
  return { apiGroups, resources, verbs, resourceNames };
}

const EVENTS = r(['', 'events.k8s.io'], ['events'], ['create', 'patch', 'update']);

/** The built-in Roles of kube-system and kube-public (namespace_policy.go), with their rules. */
export const BUILTIN_ROLES: readonly any[] = [
  role('kube-system', 'extension-apiserver-authentication-reader', [named([''], ['configmaps'], READ, ['extension-apiserver-authentication'])]),
  role('kube-system', 'system:controller:bootstrap-signer', [r([''], ['secrets'], READ)]),
  role('kube-system', 'system:controller:cloud-provider', [r([''], ['configmaps'], ['create', 'get', 'list', 'watch'])]),
  role('kube-system', 'system:controller:token-cleaner', [r([''], ['secrets'], ['delete', 'get', 'list', 'watch']), EVENTS]),
  role('kube-system', 'system::leader-locking-kube-controller-manager', [
    r([''], ['configmaps'], ['watch']),
    named([''], ['configmaps'], ['get', 'update'], ['kube-controller-manager']),
    r(['coordination.k8s.io'], ['leases'], ['create', 'get', 'list', 'update', 'watch']),
  ]),
  role('kube-system', 'system::leader-locking-kube-scheduler', [
    r([''], ['configmaps'], ['watch']),
    named([''], ['configmaps'], ['get', 'update'], ['kube-scheduler']),
  ]),
  role('kube-public', 'system:controller:bootstrap-signer', [
    r([''], ['configmaps'], READ),
    named([''], ['configmaps'], ['update'], ['cluster-info']),
    EVENTS,
  ]),
];

/**
 * ServiceAccounts of kube-system that exist in every cluster: the kube-controller-manager's controllers
 * (controller_policy.go, --use-service-account-credentials) and the subjects of the built-in RoleBindings.
 */
export const BUILTIN_KUBE_SYSTEM_SERVICE_ACCOUNTS: ReadonlySet<string> = new Set([
  'attachdetach-controller', 'bootstrap-signer', 'certificate-controller', 'cloud-provider', 'clusterrole-aggregation-controller',
  'cronjob-controller', 'daemon-set-controller', 'deployment-controller', 'disruption-controller', 'endpoint-controller',
  'endpointslice-controller', 'endpointslicemirroring-controller', 'ephemeral-volume-controller', 'expand-controller',
  'generic-garbage-collector', 'horizontal-pod-autoscaler', 'job-controller', 'kube-controller-manager', 'kube-scheduler',
  'leader-election-controller', 'legacy-service-account-token-cleaner', 'namespace-controller', 'node-controller',
  'persistent-volume-binder', 'pod-garbage-collector', 'podcheckpoint-controller', 'pv-protection-controller',
  'pvc-protection-controller', 'replicaset-controller', 'replication-controller', 'resource-claim-controller',
  'resourcequota-controller', 'root-ca-cert-publisher', 'route-controller', 'selinux-warning-controller',
  'service-account-controller', 'service-cidrs-controller', 'service-controller', 'statefulset-controller', 'token-cleaner',
  'ttl-after-finished-controller', 'ttl-controller', 'validatingadmissionpolicy-status-controller',
  'volumeattributesclass-protection-controller',
]);

export function isBuiltinServiceAccount(namespace: string, n: string): boolean {
  return n === 'default' || (namespace === 'kube-system' && BUILTIN_KUBE_SYSTEM_SERVICE_ACCOUNTS.has(n));
}
