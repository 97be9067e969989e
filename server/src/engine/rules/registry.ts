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
import { PSS_RULES } from './pss/rules';
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
import ingressWithoutTls from './hardening/ingress-without-tls';
import serviceExposed from './hardening/service-exposed';
import danglingService from './hardening/dangling-service';
import secretInConfigmap from './hardening/secret-in-configmap';
import nonexistentServiceAccount from './hardening/nonexistent-service-account';
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
import { RBAC_RULES } from './rbac/rules';
import netpolPeerSelectsNothing from './netpol/netpol-peer-selects-nothing';

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
  ...PSS_RULES,
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
  // Services, Ingresses, ConfigMaps and ServiceAccounts (issue #22)
  ingressWithoutTls,
  serviceExposed,
  danglingService,
  secretInConfigmap,
  nonexistentServiceAccount,
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
  netpolPeerSelectsNothing,
  // RBAC (one table: rbac/table.ts)
  ...RBAC_RULES,
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
