import type { Path } from './util';
export type { Path } from './util';

/** One object given to the model, e.g. one YAML document. `ref` is opaque and handed back untouched. */
export interface RbacSource {
  object: any;
  ref?: unknown;
}

export type Severity = 'error' | 'warning' | 'info';

/** Finding ids and the risk table: one row per RBAC rule (rules/rbac/table.ts). Other code depends on the ids. */
export { RBAC, RISK_IDS, type RbacRuleId, type RiskId } from '../rules/rbac/table';
import type { RbacRuleId } from '../rules/rbac/table';

export interface RbacRelated {
  object: RbacSource;
  path: Path;
  message: string;
}

export interface RbacFinding {
  rule: RbacRuleId;
  severity: Severity;
  message: string;
  /** The very RbacSource instance that was passed to the model (identity preserved; use `.ref`). */
  object: RbacSource;
  /** Path of the offending field inside `object.object` (prefixed by ['items', i] for `kind: List`). */
  path: Path;
  related?: RbacRelated[];
  /** Machine-readable extras (rule index, risk id, matched verbs …); shape depends on `rule`. */
  data?: Record<string, unknown>;
}

/** A PolicyRule with every field normalised to a string list. */
export interface NormalizedRule {
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  verbs: string[];
  nonResourceURLs: string[];
}

export type SubjectKind = 'User' | 'Group' | 'ServiceAccount';

export interface SubjectRef {
  kind: SubjectKind;
  name: string;
  /** ServiceAccounts only. */
  namespace?: string;
}

/** One object on a grant chain. Built-in roles have no `source`. */
export interface ChainStep {
  kind: string;
  name: string;
  namespace?: string;
  source?: RbacSource;
  /** Path inside `source.object` (binding: the matching subjects[i]; role: the object; aggregated role: its labels; rule: rules[i]). */
  path: Path;
  builtin: boolean;
}

/** binding → role → (aggregated roles …) → rule */
export interface GrantChain {
  /** Canonical key of the binding subject that matched, e.g. "group:system:authenticated". */
  subject: string;
  binding: ChainStep;
  role: ChainStep;
  /** ClusterRoles reached through aggregationRule, outermost first; the last one holds the rule. Empty without aggregation. */
  via: ChainStep[];
  rule: ChainStep & { index: number };
}

/** A row of the effective permission table (like `kubectl auth can-i --list`). */
export interface Permission extends NormalizedRule {
  /** Namespace the permission applies in; undefined = cluster-wide (ClusterRoleBinding). */
  namespace?: string;
  clusterWide: boolean;
  chain: GrantChain;
}

export interface WhoCanOptions {
  /**
   * undefined: cluster-wide only (ClusterRoleBindings); "<ns>": in that namespace (its RoleBindings + ClusterRoleBindings);
   * "*": anywhere (all bindings — each grant says where).
   */
  namespace?: string;
  /** API group; when omitted it is inferred for well-known resources, otherwise any group matches. */
  apiGroup?: string;
  subresource?: string;
  resourceName?: string;
  /** Also count rules restricted by resourceNames when no resourceName is asked for (default false, like the authorizer). */
  anyResourceName?: boolean;
}

export interface WhoCanEntry {
  /** Canonical subject key: "serviceaccount:ns:name" | "user:name" | "group:name". */
  subject: string;
  ref: SubjectRef;
  grants: Permission[];
}

export interface WorkloadInfo {
  kind: string;
  name: string;
  namespace: string;
  /** Path of the pod spec inside the source object. */
  podSpecPath: Path;
  serviceAccountName: string;
  /** Path of serviceAccountName (or deprecated serviceAccount); the pod spec when neither is set. */
  serviceAccountPath: Path;
  serviceAccountExplicit: boolean;
  /** The ServiceAccount object, when among the sources. */
  serviceAccount?: { source: RbacSource; path: Path };
  /** Whether the API token is mounted into the pods. */
  automountToken: boolean;
  automountSource: 'pod' | 'serviceaccount' | 'default';
  /** A projected volume with a serviceAccountToken source mounts a token regardless of automount. */
  projectedToken: boolean;
}

export interface RbacModelOptions {
  /** Namespace assumed for namespaced objects without metadata.namespace (default "default"). */
  defaultNamespace?: string;
  /**
   * Include the built-in objects: default ClusterRoles (cluster-admin, admin, edit, view, …), the Roles of kube-system /
   * kube-public and the controller ServiceAccounts of kube-system. Default true.
   */
  builtins?: boolean;
}

export interface AnalyzeOptions {
  /** Also run workloadFindings() for every workload among the sources. Default false. */
  includeWorkloads?: boolean;
}
