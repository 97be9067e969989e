/**
 * RBAC model and analysis (pure library: no editor / LSP imports).
 *
 *   const model = new RbacModel(docs.map((object, i) => ({ object, ref: i })));
 *   model.analyze();                        // findings on Roles, ClusterRoles, bindings
 *   model.workloadFindings(deploymentSrc);  // rbac-workload-high-risk
 *   model.permissions('serviceaccount:ns:name');
 *   model.whoCan('get', 'secrets', { namespace: 'prod' });
 */
export { RbacModel, formatChain, flattenSource, POD_SPEC_PATHS } from './model';
export * from './types';
export { parseSubject, subjectKey, identityKeys, formatSubject, isBroadSubject } from './subjects';
export {
  normalizeRule,
  ruleAllows,
  ruleAllowsNonResource,
  classifyRule,
  wildcardFields,
  isFullWildcard,
  KNOWN_GROUPS,
  RISK_PROBES,
  isHighRisk,
  resourceNameMatches,
  requestCarriesName,
  type RiskProbe,
  type RiskHit,
  type ResourceRequest,
} from './match';
export { compileStoredSelector as compileSelector, selectorMatches, type CompiledSelector } from '../selector';
export { BUILTIN_CLUSTER_ROLES, BUILTIN_ROLES, BUILTIN_KUBE_SYSTEM_SERVICE_ACCOUNTS, KNOWN_SYSTEM_CLUSTER_ROLE_NAMES, isBuiltinServiceAccount, isKnownSystemClusterRoleName } from './builtin';
export {
  READ_ONLY_VERBS,
  RESOURCE_NAME_PLACEHOLDER,
  readOnlyVerbsFix,
  applyEdits,
  clusterRoleBindingToRoleBinding,
  leastPrivilegeSkeleton,
  type ValueEdit,
  type LeastPrivilegeSkeleton,
} from './fixes';
