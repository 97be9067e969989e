/**
 * NetworkPolicy (networking.k8s.io/v1) semantics engine.
 *
 * Pure library: plain JS objects in (as parsed from YAML; untrusted, any field may
 * have the wrong type), never throws. No editor / LSP / YAML dependencies.
 * See model.ts and parse.ts for the semantics and the decisions taken where
 * Kubernetes leaves behaviour to the network plugin.
 */
export * from './types';
export { NetworkModel, NAMESPACE_NAME_LABEL, policyNamespace, policyLabel } from './model';
export { validatePolicy } from './validate';
export {
  egressToInternet,
  isDefaultDeny,
  allowsDns,
  dnsAccess,
  kubeDnsPods,
  describePorts,
  ASSUMED_KUBE_DNS_POD,
  InternetEgress,
} from './analysis';
export { parsePolicy, ParsedPolicy, ParsedRule, ParsedPeer, ParsedPort, ParsedIpBlock, portNameError } from './parse';
export { compileSelector, selectorMatches, selectsEverything, CompiledSelector, Requirement } from './selector';
export { parseCidr, parseIp, isPublicIp, publicSpace, ParsedCidr, ParsedIp } from './cidr';

import { parsePolicy } from './parse';

/** Effective policyTypes after API-server defaulting. */
export function effectivePolicyTypes(policy: unknown): { ingress: boolean; egress: boolean } {
  return { ...parsePolicy(policy).types };
}
