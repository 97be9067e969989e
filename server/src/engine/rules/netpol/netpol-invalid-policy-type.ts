import { defineProblemRule } from './common';

export default defineProblemRule({
  id: 'netpol-invalid-policy-type',
  codes: ['invalid-policy-type'],
  fix: 'sometimes',
  title: 'Invalid NetworkPolicy policyTypes',
  defaultSeverity: 'error',
  docs: {
    summary: '`policyTypes` is not a list, has more than two entries, or contains something other than `Ingress` / `Egress` (they are case-sensitive).',
    why: 'The API server rejects the policy, so the isolation it was meant to add never happens.',
    insecure: 'policyTypes:\n  - ingress\n  - egress',
    hardened: 'policyTypes:\n  - Ingress\n  - Egress',
  },
});
