import { defineProblemRule } from './common';

export default defineProblemRule({
  id: 'netpol-ignored-rules',
  codes: ['ignored-rules'],
  fix: 'sometimes',
  title: 'NetworkPolicy rules ignored by policyTypes',
  defaultSeverity: 'warning',
  docs: {
    summary: '`ingress` or `egress` rules in a policy whose explicit `policyTypes` does not list that direction.',
    why: 'Rules for a direction missing from `policyTypes` are ignored: the author believes the traffic is restricted (or allowed) when it is not.',
    insecure: 'policyTypes:\n  - Ingress\negress:\n  - to:\n      - podSelector: {}',
    hardened: 'policyTypes:\n  - Ingress\n  - Egress\negress:\n  - to:\n      - podSelector: {}',
  },
});
