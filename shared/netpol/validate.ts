/** Validation of a single NetworkPolicy object: what the API server rejects. */
import { ParsedPolicy, parsePolicy } from './parse';
import type { PolicyProblem } from './types';

/**
 * Problems of a NetworkPolicy object. Errors are what the API server rejects
 * (invalid ports, peers, ipBlocks, selectors, policyTypes, wrongly typed or unknown
 * fields); warnings are CIDRs that StrictIPCIDRValidation rejects and others read
 * differently. Lint warnings about valid policies (rules ignored by policyTypes,
 * `egress: []`, ipBlocks over cluster ranges) are the engine's rules, on the
 * parsed policy. Never throws. `parsed`: parsePolicy(policy), when the caller
 * already has it (only read).
 */
export function validatePolicy(policy: unknown, parsed: ParsedPolicy = parsePolicy(policy)): PolicyProblem[] {
  return parsed.problems.map((p) => ({ ...p, path: [...p.path] }));
}
