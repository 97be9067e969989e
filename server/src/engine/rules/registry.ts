/**
 * Every rule, in one list. Docs (`docs/rules.md`), settings enums and the
 * SARIF rule table are generated from here.
 */
import { Rule } from './types';
import notAnalysed from './yaml/not-analysed';
import yamlSyntax from './yaml/yaml-syntax';
import yamlDuplicateKey from './yaml/yaml-duplicate-key';
import duplicateResource from './yaml/duplicate-resource';
import incompleteResource from './yaml/incomplete-resource';
import ignoreWithoutReason from './config/ignore-without-reason';
import unusedIgnore from './config/unused-ignore';
import kustomizeBuildFailed from './kustomize/kustomize-build-failed';
import helmRenderFailed from './helm/helm-render-failed';
import privilegedContainer from './pss/privileged-container';
import hostNamespaces from './pss/host-namespaces';
import hostPathVolumes from './pss/host-path-volumes';
import hostPorts from './pss/host-ports';
import capabilitiesBaseline from './pss/capabilities-baseline';
import capabilitiesRestricted from './pss/capabilities-restricted';
import seccompUnconfined from './pss/seccomp-unconfined';
import seccompProfileMissing from './pss/seccomp-profile-missing';
import runAsNonRoot from './pss/run-as-non-root';
import runAsUserRoot from './pss/run-as-user-root';
import allowPrivilegeEscalation from './pss/allow-privilege-escalation';
import restrictedVolumeTypes from './pss/restricted-volume-types';
import apparmorUnconfined from './pss/apparmor-unconfined';
import selinuxOptions from './pss/selinux-options';
import procMount from './pss/proc-mount';
import procMountRestricted from './pss/proc-mount-restricted';
import unsafeSysctls from './pss/unsafe-sysctls';
import windowsHostProcess from './pss/windows-host-process';
import hostProbes from './pss/host-probes';
import readOnlyRootFilesystem from './hardening/read-only-root-filesystem';
import automountServiceAccountToken from './hardening/automount-service-account-token';
import dangerousCapability from './hardening/dangerous-capability';
import runtimeSocketMount from './hardening/runtime-socket-mount';
import sensitiveHostPath from './hardening/sensitive-host-path';
import defaultServiceAccount from './hardening/default-service-account';
import literalSecretInEnv from './hardening/literal-secret-in-env';
import deprecatedSecurityAnnotation from './hardening/deprecated-security-annotation';
import namespaceWithoutPsa from './hardening/namespace-without-psa';
import missingResourceLimits from './hardening/missing-resource-limits';
import imageLatestTag from './hardening/image-latest-tag';
import explicitRootUser from './hardening/explicit-root-user';
import secretInEnvVar from './hardening/secret-in-env-var';
import netRawNotDropped from './hardening/net-raw-not-dropped';
import missingLivenessProbe from './hardening/missing-liveness-probe';
import missingReadinessProbe from './hardening/missing-readiness-probe';
import imagePullPolicyNotAlways from './hardening/image-pull-policy-not-always';
import workloadInDefaultNamespace from './hardening/workload-in-default-namespace';
import writableHostPath from './hardening/writable-host-path';
import sshPortExposed from './hardening/ssh-port-exposed';

import missingNetworkPolicy from './netpol/missing-network-policy';
import missingDefaultDeny from './netpol/missing-default-deny';
import netpolInvalidPort from './netpol/netpol-invalid-port';
import netpolInvalidIpblock from './netpol/netpol-invalid-ipblock';
import netpolInvalidPeer from './netpol/netpol-invalid-peer';
import netpolInvalidSelector from './netpol/netpol-invalid-selector';
import netpolInvalidPolicyType from './netpol/netpol-invalid-policy-type';
import netpolInvalidField from './netpol/netpol-invalid-field';
import netpolIgnoredRules from './netpol/netpol-ignored-rules';
import netpolEgressNotEnforced from './netpol/netpol-egress-not-enforced';
import netpolIpblockCoversCluster from './netpol/netpol-ipblock-covers-cluster';
import netpolEgressToInternet from './netpol/netpol-egress-to-internet';
import netpolDnsNotAllowed from './netpol/netpol-dns-not-allowed';
import netpolSelectsNothing from './netpol/netpol-selects-nothing';
import rbacWildcard from './rbac/rbac-wildcard';
import rbacSecretsRead from './rbac/rbac-secrets-read';
import rbacPodExec from './rbac/rbac-pod-exec';
import rbacCreatePods from './rbac/rbac-create-pods';
import rbacEscalationVerbs from './rbac/rbac-escalation-verbs';
import rbacNodesProxy from './rbac/rbac-nodes-proxy';
import rbacTokenCreate from './rbac/rbac-token-create';
import rbacCsrApprove from './rbac/rbac-csr-approve';
import rbacWebhookWrite from './rbac/rbac-webhook-write';
import rbacClusterAdminBinding from './rbac/rbac-cluster-admin-binding';
import rbacDefaultSaBound from './rbac/rbac-default-sa-bound';
import rbacDanglingBinding from './rbac/rbac-dangling-binding';
import rbacWorkloadHighRisk from './rbac/rbac-workload-high-risk';
import rbacBroadSubject from './rbac/rbac-broad-subject';

export const RULES: readonly Rule[] = [
  notAnalysed,
  yamlSyntax,
  yamlDuplicateKey,
  duplicateResource,
  incompleteResource,
  ignoreWithoutReason,
  unusedIgnore,
  kustomizeBuildFailed,
  helmRenderFailed,
  // Pod Security Standards, one rule per official check
  privilegedContainer,
  hostNamespaces,
  hostPathVolumes,
  hostPorts,
  capabilitiesBaseline,
  capabilitiesRestricted,
  seccompUnconfined,
  seccompProfileMissing,
  runAsNonRoot,
  runAsUserRoot,
  allowPrivilegeEscalation,
  restrictedVolumeTypes,
  apparmorUnconfined,
  selinuxOptions,
  procMount,
  procMountRestricted,
  unsafeSysctls,
  windowsHostProcess,
  hostProbes,
  // Hardening beyond Pod Security Standards
  readOnlyRootFilesystem,
  automountServiceAccountToken,
  dangerousCapability,
  runtimeSocketMount,
  sensitiveHostPath,
  defaultServiceAccount,
  literalSecretInEnv,
  deprecatedSecurityAnnotation,
  namespaceWithoutPsa,
  missingResourceLimits,
  imageLatestTag,
  explicitRootUser,
  secretInEnvVar,
  netRawNotDropped,
  missingLivenessProbe,
  missingReadinessProbe,
  imagePullPolicyNotAlways,
  workloadInDefaultNamespace,
  writableHostPath,
  sshPortExposed,
  // NetworkPolicy
  missingNetworkPolicy,
  missingDefaultDeny,
  netpolInvalidPort,
  netpolInvalidIpblock,
  netpolInvalidPeer,
  netpolInvalidSelector,
  netpolInvalidPolicyType,
  netpolInvalidField,
  netpolIgnoredRules,
  netpolEgressNotEnforced,
  netpolIpblockCoversCluster,
  netpolEgressToInternet,
  netpolDnsNotAllowed,
  netpolSelectsNothing,
  // RBAC
  rbacWildcard,
  rbacSecretsRead,
  rbacPodExec,
  rbacCreatePods,
  rbacEscalationVerbs,
  rbacNodesProxy,
  rbacTokenCreate,
  rbacCsrApprove,
  rbacWebhookWrite,
  rbacClusterAdminBinding,
  rbacBroadSubject,
  rbacDefaultSaBound,
  rbacDanglingBinding,
  rbacWorkloadHighRisk,
];

const byId = new Map(RULES.map((r) => [r.id, r]));

export function ruleById(id: string): Rule | undefined {
  return byId.get(id);
}

export const DOCS_BASE_URL = 'https://github.com/k8s-guardrails/k8s-guardrails/blob/main/docs/rules.md';

/** Link to a rule's documentation (`codeDescription.href`, SARIF `helpUri`). */
export function ruleDocsUrl(id: string): string {
  return `${DOCS_BASE_URL}#${id}`;
}
