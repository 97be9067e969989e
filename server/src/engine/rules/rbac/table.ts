/**
 * The RBAC family as data — every RBAC rule id is written here and only here.
 *
 * Two kinds of rows, in the manner of kube-linter's check templates:
 *  - **risk rows** (`grants`): a Role/ClusterRole rule holds the risk when the one evaluator (`ruleAllows`, rbac/match.ts)
 *    allows one of the requests the grants describe (verbs × API groups × resources[/subresources], with a resourceName
 *    when the risk is about one named object). `classifyRule` evaluates these rows; the row's `describe` words the
 *    finding;
 *  - **model rows** (no `grants`): findings the RBAC model derives from bindings, aggregation and workloads
 *    (rbac/model.ts names them through `RBAC.<key>.id`).
 * The rule objects are built from the rows by rules/rbac/rules.ts; docs/rules.md is generated from them.
 * This file holds data and wording only (no runtime imports), so the RBAC library can read it.
 */
import type { Severity } from '../../model';
import type { ResourceRequest } from '../../rbac/match';
import type { NormalizedRule } from '../../rbac/types';
import type { RuleDocs } from '../types';

/** The quick fixes a row offers (implemented in rules/rbac/common.ts). */
export type RbacFixKind = 'wildcard-verbs' | 'to-role-binding' | 'least-privilege';

export interface RbacRow {
  /** Readable slug, stable: diagnostics, config and the CLI contract use it. */
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly docs: RuleDocs;
  readonly fix?: RbacFixKind;
}

/** One grant of a risk: any of `verbs` on any of `targets` (`[apiGroups, "resource" | "resource/subresource"]`). */
export interface RbacGrant {
  readonly verbs: readonly string[];
  readonly targets: readonly (readonly [groups: readonly string[], resource: string])[];
  /**
   * `cluster`: only granted cluster-wide — a ClusterRole that is not bound only by RoleBindings (the resources are
   * cluster-scoped, or the risk is about all namespaces at once); a Role, or a RoleBinding's grant, never holds it.
   */
  readonly scope?: 'cluster';
}

/** What a rule allows of a risk: the evaluator's requests and their verbs / resources. */
export interface RiskMatch {
  readonly rule: NormalizedRule;
  readonly verbs: readonly string[];
  readonly resources: readonly string[];
  readonly requests: readonly ResourceRequest[];
}

export interface RiskRow extends RbacRow {
  readonly grants: readonly RbacGrant[];
  /** One object only: the requests name it, and the rule must apply in its namespace (cluster-wide, or a Role/RoleBinding there). */
  readonly object?: { readonly namespace: string; readonly name: string };
  /** Rules restricted by resourceNames do not hold the risk (least-privilege pattern, e.g. reading named Secrets). */
  readonly unlessNamed?: boolean;
  /** Every grant must be held by some rule of the role, or none is reported (e.g. approving a CSR takes two permissions). */
  readonly allGrants?: boolean;
  /**
   * A high-risk permission: also reported on the workloads running with it (rbac-workload-high-risk), on bindings giving
   * it to broad groups (rbac-broad-subject) and listed in the cluster-admin-equivalent wildcard finding. Default true.
   */
  readonly highRisk?: boolean;
  /** The rule field the finding points at. */
  readonly field: 'verbs' | 'resources';
  /** `text`: what the rule allows ("can list/watch Secrets"); `why`: why it matters. */
  readonly describe: (m: RiskMatch) => { text: string; why: string };
}

const uniq = (l: readonly string[]) => [...new Set(l)];

/** " (only Pods a, b)" when the rule is restricted by resourceNames. */
function only(rule: NormalizedRule, noun: string): string {
  return rule.resourceNames.length ? ` (only ${noun} ${rule.resourceNames.join(', ')})` : '';
}

function can(m: RiskMatch): string {
  const v = m.rule.verbs.includes('*') && m.verbs.length > 1 ? 'use any verb (*) on' : m.verbs.join('/');
  return `can ${v} ${m.resources.join(', ')}`;
}

const ALL_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const CORE = [''];
const APPS = ['apps', 'extensions'];

const POD_CREATING = [
  [CORE, 'pods'],
  [APPS, 'deployments'],
  [APPS, 'replicasets'],
  [['apps'], 'statefulsets'],
  [APPS, 'daemonsets'],
  [['batch'], 'jobs'],
  [['batch'], 'cronjobs'],
  [CORE, 'replicationcontrollers'],
] as const;

const RBAC_GROUP = ['rbac.authorization.k8s.io'];
const ADMISSION = ['admissionregistration.k8s.io'];

export const RBAC = {
  wildcard: {
    id: 'rbac-wildcard',
    title: 'Wildcard in an RBAC rule',
    severity: 'warning',
    fix: 'wildcard-verbs',
    docs: {
      summary: 'A Role or ClusterRole rule uses `*` in `verbs`, `resources` (also `*/subresource`), `apiGroups` or `nonResourceURLs`; reported on the first wildcard field, once per rule. A rule with `*` verbs on `*` resources in `*` API groups is one finding, called cluster-admin equivalent, listing the high-risk permissions it implies (no separate rbac-secrets-read, rbac-pod-exec, … findings for it). `pods/*` is not a wildcard: the authorizer only honours `*` and `*/<subresource>`, so `pods/*` grants no subresource at all (list `pods/exec`, `pods/log`, … instead).',
      why: 'A wildcard grants every present and future verb, resource or API group, including ones added later by CRDs and new Kubernetes versions (a `*` on resources includes secrets, `pods/exec` and RBAC objects themselves; `*/scale` includes the scale subresource of every present and future resource). Listing what the workload needs keeps the grant reviewable. The quick fix replaces wildcard verbs with the read-only `get, list, watch` (or an explicit read-write list); wildcards in resources and API groups have to be replaced by hand, and a `*`/`*`/`*` rule gets no quick fix (read-only verbs on every resource still read every Secret).',
      insecure: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app\n  namespace: shop\nrules:\n- apiGroups: [""]\n  resources: [configmaps]\n  verbs: ["*"]',
      hardened: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app\n  namespace: shop\nrules:\n- apiGroups: [""]\n  resources: [configmaps]\n  verbs: [get, list, watch]',
      references: [],
    },
  },

  secretsRead: {
    id: 'rbac-secrets-read',
    title: 'RBAC rule can read Secrets',
    severity: 'warning',
    grants: [{ verbs: ['get', 'list', 'watch'], targets: [[CORE, 'secrets']] }],
    unlessNamed: true,
    field: 'resources',
    describe: (m) => {
      const bulk = m.verbs.filter((v) => v !== 'get');
      return bulk.length
        ? { text: `can ${bulk.join('/')} Secrets`, why: 'reads the contents of all Secrets in scope at once, including ServiceAccount tokens' }
        : { text: 'can get Secrets by name', why: 'reads Secret contents, including ServiceAccount tokens' };
    },
    docs: {
      summary: 'A Role or ClusterRole rule allows `get`, `list` or `watch` on `secrets` (directly or through a wildcard) without restricting it to named Secrets with `resourceNames`.',
      why: 'Secrets hold credentials: ServiceAccount tokens of other workloads, registry and cloud credentials, TLS keys. Whoever can read them can usually act as whoever they belong to, so reading Secrets is a privilege-escalation path. `list` and `watch` return the contents of every Secret in scope, not just names. Restrict the rule with `resourceNames` to the Secrets the workload needs, or mount them into the pod instead of reading them through the API.',
      insecure: 'rules:\n- apiGroups: [""]\n  resources: [secrets]\n  verbs: [get, list, watch]',
      hardened: 'rules:\n- apiGroups: [""]\n  resources: [secrets]\n  resourceNames: [app-db-credentials]\n  verbs: [get]',
      references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets'],
    },
  },

  podExec: {
    id: 'rbac-pod-exec',
    title: 'RBAC rule allows exec/attach into pods',
    severity: 'warning',
    grants: [{ verbs: ['create', 'get'], targets: [[CORE, 'pods/exec'], [CORE, 'pods/attach']] }],
    field: 'resources',
    describe: (m) => ({ text: `${can(m)}${only(m.rule, 'Pods')}`, why: 'runs commands inside running containers and reads their mounted secrets' }),
    docs: {
      summary: 'A Role or ClusterRole rule allows `create` (or `get`, which older clients use over websockets) on `pods/exec` or `pods/attach` (or `*`, `*/exec`, `*/attach`; `pods/*` is not a wildcard and grants neither). With `resourceNames` the message names the only Pods it applies to.',
      why: "Exec and attach run commands inside any pod in scope, with that pod's ServiceAccount token, mounted Secrets and network access: effectively every permission of every workload in the namespace. Keep it to break-glass roles of humans, never to workloads.",
      insecure: 'rules:\n- apiGroups: [""]\n  resources: [pods/exec]\n  verbs: [create]',
      hardened: 'rules:\n- apiGroups: [""]\n  resources: [pods, pods/log]\n  verbs: [get, list]',
      references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation'],
    },
  },

  createPods: {
    id: 'rbac-create-pods',
    title: 'RBAC rule can create workloads',
    severity: 'warning',
    grants: [{ verbs: ['create'], targets: POD_CREATING }],
    field: 'resources',
    describe: (m) => ({
      text: `can create ${m.resources.join(', ')}`,
      why: 'a pod can mount any ServiceAccount and Secret of its namespace, so this is indirect access to all of them',
    }),
    docs: {
      summary: 'A Role or ClusterRole rule allows `create` on pods or on a pod controller: deployments, replicasets, statefulsets, daemonsets (apps/extensions), jobs, cronjobs (batch), replicationcontrollers. A rule restricted by `resourceNames` never allows `create` (a create request carries no object name), so it is not reported.',
      why: 'Creating a pod means choosing its ServiceAccount, its volumes and its security context: whoever can create workloads in a namespace can mount any Secret of it, run as any of its ServiceAccounts, and (unless Pod Security admission forbids it) start a privileged pod that takes over the node. Give this only to deployment tooling, and enforce Pod Security Standards on the namespace.',
      insecure: 'rules:\n- apiGroups: [apps]\n  resources: [deployments]\n  verbs: [get, list, create]',
      hardened: 'rules:\n- apiGroups: [apps]\n  resources: [deployments]\n  verbs: [get, list]',
      references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation'],
    },
  },

  escalationVerbs: {
    id: 'rbac-escalation-verbs',
    title: 'RBAC rule allows escalate, bind or impersonate',
    severity: 'warning',
    grants: [
      { verbs: ['escalate', 'bind'], targets: [[RBAC_GROUP, 'roles'], [RBAC_GROUP, 'clusterroles']] },
      { verbs: ['impersonate'], targets: [[CORE, 'serviceaccounts']] },
      // Users and groups are cluster-scoped.
      {
        verbs: ['impersonate'],
        targets: [[CORE, 'users'], [CORE, 'groups'], [['authentication.k8s.io'], 'userextras'], [['authentication.k8s.io'], 'uids']],
        scope: 'cluster',
      },
    ],
    field: 'verbs',
    describe: (m) => ({
      text: `can ${m.verbs.join('/')} ${m.resources.join(', ')}${only(m.rule, 'named')}`,
      why: "privilege escalation that bypasses RBAC's own escalation checks",
    }),
    docs: {
      summary: 'A Role or ClusterRole rule allows `escalate` or `bind` on roles/clusterroles, or `impersonate` on users, groups, serviceaccounts, userextras or uids.',
      why: '`escalate` lets a subject create or edit roles with permissions it does not hold; `bind` lets it bind any role (including cluster-admin) to itself; `impersonate` lets it act as another user, group or ServiceAccount. Each bypasses the RBAC privilege-escalation prevention and is equivalent to the highest privilege reachable.',
      insecure: 'rules:\n- apiGroups: [rbac.authorization.k8s.io]\n  resources: [clusterroles]\n  verbs: [bind, escalate]',
      hardened: 'rules:\n- apiGroups: [rbac.authorization.k8s.io]\n  resources: [clusterroles]\n  verbs: [get, list]',
      references: [
        'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb',
        'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#bind-verb',
        'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#impersonate-verb',
      ],
    },
  },

  nodesProxy: {
    id: 'rbac-nodes-proxy',
    title: 'RBAC rule allows nodes/proxy',
    severity: 'warning',
    grants: [{ verbs: ALL_VERBS, targets: [[CORE, 'nodes/proxy']], scope: 'cluster' }],
    field: 'resources',
    describe: (m) => ({ text: `${can(m)}${only(m.rule, 'Nodes')}`, why: 'direct kubelet API access: exec into any pod on the node, bypassing audit and admission' }),
    docs: {
      summary: 'A ClusterRole rule allows any verb on `nodes/proxy` (namespaced Roles cannot grant it).',
      why: '`nodes/proxy` gives direct access to the kubelet API of every node, bypassing audit logging and admission control: it allows running commands in any pod on the node (`/exec`, `/run`). Monitoring agents usually need only `nodes/metrics` or `nodes/stats`.',
      insecure: 'rules:\n- apiGroups: [""]\n  resources: [nodes/proxy]\n  verbs: [get]',
      hardened: 'rules:\n- apiGroups: [""]\n  resources: [nodes/metrics, nodes/stats]\n  verbs: [get]',
      references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#access-to-proxy-subresource-of-nodes'],
    },
  },

  tokenCreate: {
    id: 'rbac-token-create',
    title: 'RBAC rule can mint ServiceAccount tokens',
    severity: 'warning',
    grants: [{ verbs: ['create'], targets: [[CORE, 'serviceaccounts/token']] }],
    field: 'resources',
    describe: (m) =>
      m.rule.resourceNames.length
        ? { text: `can create tokens for ServiceAccounts ${m.rule.resourceNames.join(', ')}`, why: 'acts as those ServiceAccounts for as long as the tokens live' }
        : { text: 'can create tokens for any ServiceAccount (serviceaccounts/token)', why: 'mints tokens for any ServiceAccount in scope' },
    docs: {
      summary: 'A Role or ClusterRole rule allows `create` on `serviceaccounts/token` (or `*`, `*/token`; `serviceaccounts/*` is not a wildcard and does not grant it). A token request names its ServiceAccount, so `resourceNames` does restrict it: the message then names the only ServiceAccounts tokens can be minted for.',
      why: 'The TokenRequest API issues tokens for any ServiceAccount in scope: a subject that can call it can act as every one of those ServiceAccounts, including more privileged ones (for example a controller\'s), for as long as the token lives.',
      insecure: 'rules:\n- apiGroups: [""]\n  resources: [serviceaccounts/token]\n  verbs: [create]',
      hardened: '# no rule: let the kubelet mount projected tokens instead',
      references: ['https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/token-request-v1/'],
    },
  },

  csrApprove: {
    id: 'rbac-csr-approve',
    title: 'RBAC rule can approve certificate signing requests',
    severity: 'warning',
    grants: [
      { verbs: ['update', 'patch'], targets: [[['certificates.k8s.io'], 'certificatesigningrequests/approval']], scope: 'cluster' },
      { verbs: ['approve'], targets: [[['certificates.k8s.io'], 'signers']], scope: 'cluster' },
    ],
    allGrants: true,
    field: 'resources',
    describe: (m) => {
      const a = m.requests.filter((r) => r.resource === 'certificatesigningrequests');
      const s = m.requests.filter((r) => r.resource === 'signers');
      const parts = [a.length ? `${uniq(a.map((r) => r.verb)).join('/')} certificatesigningrequests/approval` : '', s.length ? 'approve signers' : ''].filter(Boolean);
      return { text: `can ${parts.join(' and ')}${only(m.rule, 'named')}`, why: 'may get client certificates issued for arbitrary identities' };
    },
    docs: {
      summary: 'A ClusterRole that can approve certificate signing requests: it allows both `update`/`patch` on `certificatesigningrequests/approval` and `approve` on a signer (the API server requires both); each of the two rules is reported. A ClusterRole holding only one half approves nothing and is not reported, nor is one bound only by RoleBindings (CSRs are cluster-scoped).',
      why: 'Approving CSRs lets a subject get client certificates signed by the cluster CA, for example for `system:masters` or a node identity, which authenticates it as that user or node: full cluster compromise through the `kubernetes.io/kube-apiserver-client` signer.',
      insecure: 'rules:\n- apiGroups: [certificates.k8s.io]\n  resources: [certificatesigningrequests/approval]\n  verbs: [update]',
      hardened: 'rules:\n- apiGroups: [certificates.k8s.io]\n  resources: [certificatesigningrequests]\n  verbs: [get, list]',
      references: ['https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#authorization'],
    },
  },

  webhookWrite: {
    id: 'rbac-webhook-write',
    title: 'RBAC rule can change admission webhooks',
    severity: 'warning',
    grants: [
      {
        verbs: ['create', 'update', 'patch', 'delete', 'deletecollection'],
        targets: [[ADMISSION, 'mutatingwebhookconfigurations'], [ADMISSION, 'validatingwebhookconfigurations']],
        scope: 'cluster',
      },
    ],
    field: 'resources',
    describe: (m) => ({ text: `${can(m)}${only(m.rule, 'configurations')}`, why: 'can intercept, mutate or disable admission of every object' }),
    docs: {
      summary: 'A ClusterRole rule allows create, update, patch, delete or deletecollection on `mutatingwebhookconfigurations` or `validatingwebhookconfigurations`.',
      why: 'Admission webhooks see, and mutating ones can change, every object sent to the API server, including Secrets. Whoever can register a webhook can read those objects, inject containers into every new pod, or disable the policy webhooks that enforce security.',
      insecure: 'rules:\n- apiGroups: [admissionregistration.k8s.io]\n  resources: [mutatingwebhookconfigurations]\n  verbs: [create, update, patch]',
      hardened: 'rules:\n- apiGroups: [admissionregistration.k8s.io]\n  resources: [mutatingwebhookconfigurations]\n  verbs: [get, list, watch]',
      references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#control-admission-webhooks'],
    },
  },

  clusterAdminBinding: {
    id: 'rbac-cluster-admin-binding',
    title: 'cluster-admin (or equivalent) bound to a ServiceAccount or broad group',
    severity: 'error',
    fix: 'to-role-binding',
    docs: {
      summary: 'A ClusterRoleBinding or RoleBinding grants `cluster-admin`, or a role whose effective rules contain `*` verbs on `*` resources in `*` API groups (aggregation resolved), to a ServiceAccount or to a broad group (`system:authenticated`, `system:unauthenticated`, `system:serviceaccounts[:ns]`, user `system:anonymous`); reported on `roleRef`, with the subjects and the wildcard rule as related locations.',
      why: 'A ServiceAccount token is a bearer credential stored in every pod that mounts it: anyone who compromises one of those pods (or can read its token) owns the whole cluster (ClusterRoleBinding) or namespace (RoleBinding). Broad groups hand that power to everyone. Bind a dedicated least-privilege role instead; the quick fix turns a ClusterRoleBinding into a RoleBinding in one namespace (one action per namespace of the subjects and the workspace), limiting the damage while a proper role is written.',
      insecure: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: ci\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n- kind: ServiceAccount\n  name: ci\n  namespace: ci',
      hardened: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: ci\n  namespace: ci\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: edit\nsubjects:\n- kind: ServiceAccount\n  name: ci\n  namespace: ci',
      references: ['https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles'],
    },
  },

  broadSubject: {
    id: 'rbac-broad-subject',
    title: 'High-risk RBAC permission given to a broad group',
    severity: 'error',
    docs: {
      summary: 'A RoleBinding or ClusterRoleBinding gives `system:authenticated`, `system:unauthenticated`, `system:serviceaccounts` or `system:serviceaccounts:<namespace>` a role whose effective rules (aggregation resolved, resourceNames respected) hold a high-risk permission — one of the rbac-secrets-read, rbac-pod-exec, rbac-create-pods, rbac-escalation-verbs, rbac-token-create, rbac-nodes-proxy, rbac-csr-approve or rbac-webhook-write permissions; reported on `roleRef`, naming each permission, with the group subjects and the risky rules as related locations. A role equivalent to cluster-admin is reported by rbac-cluster-admin-binding instead.',
      why: 'Every member of these groups gets the permission: every user and ServiceAccount that can authenticate, anonymous requests, or every pod\'s token in the cluster or namespace. One compromised pod, or anyone with network access to the API server for `system:unauthenticated`, can then read Secrets, run code in pods, mint tokens or escalate. Bind the role to the named users, groups or ServiceAccounts that need it.',
      insecure: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: all-sa-read-secrets\n  namespace: shop\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: secret-reader\nsubjects:\n- kind: Group\n  apiGroup: rbac.authorization.k8s.io\n  name: system:serviceaccounts:shop',
      hardened: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: backup-read-secrets\n  namespace: shop\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: secret-reader\nsubjects:\n- kind: ServiceAccount\n  name: backup\n  namespace: shop',
      references: ['https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-subjects'],
    },
  },

  defaultSaBound: {
    id: 'rbac-default-sa-bound',
    title: 'Role bound to a default ServiceAccount',
    severity: 'warning',
    docs: {
      summary: "A RoleBinding or ClusterRoleBinding subject is a namespace's `default` ServiceAccount.",
      why: 'Every pod of the namespace that does not set `serviceAccountName` runs as `default`, so a permission granted to it is silently granted to all of them, including pods added later. Create a dedicated ServiceAccount for the workload that needs the permission and bind the role to that.',
      insecure: 'subjects:\n- kind: ServiceAccount\n  name: default\n  namespace: shop',
      hardened: 'subjects:\n- kind: ServiceAccount\n  name: order-processor\n  namespace: shop',
      references: ['https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts'],
    },
  },

  danglingBinding: {
    id: 'rbac-dangling-binding',
    title: 'Binding to a missing role or ServiceAccount',
    severity: 'info',
    docs: {
      summary: "A binding's `roleRef` names a role that is neither built-in nor defined in the workspace (including a Role of another namespace, a ClusterRoleBinding referencing a Role, or a bad kind), or a ServiceAccount subject is not defined in the workspace or has no namespace. Namespace-less objects (an install applied with `kubectl apply -n X`) are placed in the namespace their explicit bindings name, when exactly one does (README, \"Namespace-less installs\"). Built-in objects exist without being in the files: the default ClusterRoles (cluster-admin, admin, edit, view, `system:*`, `system:controller:*`), the Roles of kube-system and kube-public (`extension-apiserver-authentication-reader`, `system::leader-locking-kube-controller-manager`, `system::leader-locking-kube-scheduler`, `system:controller:bootstrap-signer`, …), every namespace's `default` ServiceAccount and the controller ServiceAccounts of kube-system (`replicaset-controller`, `leader-election-controller`, …).",
      why: 'A binding to something that does not exist grants nothing today, but it grants the permissions to whoever creates that role or ServiceAccount later, which is an easy way to hide an escalation. It is also often a typo that leaves the intended workload without its permissions. Files applied separately (another repository, a Helm chart) make this informational.',
      insecure: 'roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: app-reader   # not defined anywhere',
      hardened: '# define the Role app-reader in the same namespace, or fix the name',
      references: [],
    },
  },

  workloadHighRisk: {
    id: 'rbac-workload-high-risk',
    title: 'Workload runs with high-risk RBAC permissions',
    severity: 'info',
    fix: 'least-privilege',
    docs: {
      summary: 'A workload mounts the API token of a ServiceAccount that holds a high-risk permission (one of the permissions of the risk rules above, or full `*`/`*`/`*` access; port-forwarding, cluster-wide deletion and CoreDNS writes are reported on the role only) through bindings anywhere in the workspace; one finding per risk, on `serviceAccountName`, naming the permission and the binding → role → rule chain (related locations point at each element, in whatever file it is). Namespace-less objects (an install applied with `kubectl apply -n X`) are placed in the namespace their explicit bindings name, when exactly one does (README, "Namespace-less installs").',
      why: 'Whoever gets code execution in the pod (a vulnerable dependency, an SSRF that reaches the token file) gets these permissions. Keep such permissions for the few workloads that need them, give every other workload its own ServiceAccount with a least-privilege Role, and do not mount the token where the API is not used. Quick fixes: generate a least-privilege ServiceAccount + Role + RoleBinding for the workload (the Role has a placeholder rule restricted by `resourceNames: [REPLACE-WITH-RESOURCE-NAME]` to fill in), and, when the rule automount-service-account-token is off, set `automountServiceAccountToken: false`.',
      insecure: 'spec:\n  template:\n    spec:\n      serviceAccountName: deployer   # bound to cluster-admin in rbac.yaml',
      hardened: 'spec:\n  template:\n    spec:\n      serviceAccountName: web\n      automountServiceAccountToken: false',
      references: ['https://kubernetes.io/docs/concepts/security/service-accounts/'],
    },
  },

  // Risks that are not privilege escalation: reported on the rule only (highRisk: false).

  portForward: {
    id: 'rbac-port-forward',
    title: 'RBAC rule allows port-forwarding into pods',
    severity: 'warning',
    grants: [{ verbs: ['create'], targets: [[CORE, 'pods/portforward']] }],
    highRisk: false,
    field: 'resources',
    describe: (m) => ({
      text: `can create pods/portforward${only(m.rule, 'Pods')}`,
      why: 'opens a tunnel from the client to any port of the pods in scope, past Services, Ingresses and NetworkPolicies',
    }),
    docs: {
      summary: 'A Role or ClusterRole rule allows `create` on `pods/portforward` (or `*`, `*/portforward`; `pods/*` is not a wildcard and does not grant it), the permission behind `kubectl port-forward`. With `resourceNames` the message names the only Pods it applies to.',
      why: "Port-forwarding connects the client straight into a pod's network namespace: every port the containers listen on, including admin interfaces, debug endpoints and databases bound to localhost, becomes reachable from wherever the credential is used. NetworkPolicies do not apply to this path and the traffic is not seen by Services or Ingresses. Keep it to break-glass roles of humans, never to workloads or CI.",
      insecure: 'rules:\n- apiGroups: [""]\n  resources: [pods/portforward]\n  verbs: [create]',
      hardened: 'rules:\n- apiGroups: [""]\n  resources: [pods, pods/log]\n  verbs: [get, list]',
      references: ['https://kubernetes.io/docs/tasks/access-application-cluster/port-forward-access-application-cluster/'],
    },
  },

  deleteData: {
    id: 'rbac-delete-data',
    title: 'RBAC rule can delete workloads or data cluster-wide',
    severity: 'warning',
    grants: [
      {
        verbs: ['delete', 'deletecollection'],
        targets: [
          [APPS, 'deployments'],
          [['apps'], 'statefulsets'],
          [APPS, 'daemonsets'],
          [APPS, 'replicasets'],
          [['batch'], 'jobs'],
          [['batch'], 'cronjobs'],
          [CORE, 'pods'],
          [CORE, 'secrets'],
          [CORE, 'configmaps'],
          [CORE, 'persistentvolumeclaims'],
        ],
        scope: 'cluster',
      },
    ],
    highRisk: false,
    field: 'verbs',
    describe: (m) => ({
      text: `${can(m)}${only(m.rule, 'named')} in every namespace`,
      why: 'one credential can take down every application and destroy its configuration and data',
    }),
    docs: {
      summary: 'A ClusterRole rule allows `delete` or `deletecollection` on workloads (deployments, statefulsets, daemonsets, replicasets, jobs, cronjobs, pods), secrets, configmaps or persistentvolumeclaims (directly or through `*` verbs or resources). Only cluster-wide grants are reported: a Role, or a ClusterRole bound only by RoleBindings, deletes in its namespaces only and is not reported.',
      why: 'Deleting across all namespaces is the blast radius of a ransomware-style attack or of a bad script: every Deployment, every Secret and every persistent volume claim (whose volume the default `Delete` reclaim policy then destroys) is one API call away. Controllers that need deletion usually need it in their own namespace: give them a Role there, or bind the ClusterRole with RoleBindings in the namespaces they manage.',
      insecure: 'kind: ClusterRole\nrules:\n- apiGroups: [""]\n  resources: [persistentvolumeclaims, secrets]\n  verbs: [get, list, delete]',
      hardened: 'kind: Role\nmetadata:\n  namespace: shop\nrules:\n- apiGroups: [""]\n  resources: [persistentvolumeclaims, secrets]\n  verbs: [get, list, delete]',
      references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege'],
    },
  },

  corednsWrite: {
    id: 'rbac-coredns-write',
    title: 'RBAC rule can rewrite the cluster DNS configuration',
    severity: 'warning',
    grants: [{ verbs: ['create', 'update', 'patch', 'delete'], targets: [[CORE, 'configmaps']] }],
    object: { namespace: 'kube-system', name: 'coredns' },
    highRisk: false,
    field: 'resources',
    describe: (m) => ({
      text: `can ${m.verbs.join('/')} ConfigMap kube-system/coredns`,
      why: "rewrites the cluster DNS: every pod's name lookups can be answered with an attacker's addresses",
    }),
    docs: {
      summary: 'A rule allows a write verb (`create`, `update`, `patch`, `delete`) on ConfigMaps that covers the `coredns` ConfigMap of `kube-system`: a Role in kube-system or a ClusterRole (bound cluster-wide, by a RoleBinding in kube-system, or not bound in the files), whose `resourceNames` are absent or include `coredns` (`create` cannot be restricted by name, so a named rule does not count for it). Roles of other namespaces and ClusterRoles bound only by RoleBindings elsewhere are not reported.',
      why: 'The `coredns` ConfigMap is the Corefile of the cluster DNS: whoever can write it can add `rewrite`, `hosts` or `forward` entries that send any service or external name to an address they control, intercepting the traffic of every pod (credentials, tokens, webhooks) or breaking name resolution for the whole cluster.',
      insecure: 'kind: Role\nmetadata:\n  namespace: kube-system\nrules:\n- apiGroups: [""]\n  resources: [configmaps]\n  verbs: [get, update]',
      hardened: 'kind: Role\nmetadata:\n  namespace: kube-system\nrules:\n- apiGroups: [""]\n  resources: [configmaps]\n  resourceNames: [my-operator-state]\n  verbs: [get, update]',
      references: ['https://kubernetes.io/docs/tasks/administer-cluster/dns-custom-nameservers/'],
    },
  },
} as const satisfies Record<string, RbacRow | RiskRow>;

type Rows = typeof RBAC;
/** Finding ids of the RBAC family. */
export type RbacRuleId = Rows[keyof Rows]['id'];
/** The ids of the risk rows (also `data.risk` of rbac-workload-high-risk, for the high-risk ones). */
export type RiskId = { [K in keyof Rows]: Rows[K] extends { grants: unknown } ? Rows[K]['id'] : never }[keyof Rows];

/** Every row, in table order (the registry's order of the RBAC rules). */
export const RBAC_ROWS: readonly (RbacRow | RiskRow)[] = Object.values(RBAC);

export function isRiskRow(row: RbacRow): row is RiskRow {
  return 'grants' in row;
}

/** The risk rows in table order. */
export const RISK_ROWS: readonly (RiskRow & { id: RiskId })[] = RBAC_ROWS.filter(isRiskRow) as (RiskRow & { id: RiskId })[];

/** The high-risk permission ids (rbac-workload-high-risk, rbac-broad-subject, cluster-admin equivalence), in table order. */
export const RISK_IDS: readonly RiskId[] = RISK_ROWS.filter((r) => r.highRisk !== false).map((r) => r.id);
