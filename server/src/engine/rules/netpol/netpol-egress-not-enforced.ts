import { defineProblemRule } from './common';

export default defineProblemRule({
  id: 'netpol-egress-not-enforced',
  fix: 'always',
  title: '`egress: []` without policyTypes does not deny egress',
  defaultSeverity: 'warning',
  docs: {
    summary: 'A policy with `egress: []` and no `policyTypes`.',
    why:
      'When `policyTypes` is absent the API server adds `Egress` only if there is at least one egress rule, so `egress: []` on its own restricts nothing: egress stays open although the policy reads like a deny-all.',
    insecure: 'spec:\n  podSelector: {}\n  egress: []',
    hardened: 'spec:\n  podSelector: {}\n  policyTypes:\n    - Ingress\n    - Egress\n  egress: []',
  },
  detect: (p) =>
    !p.explicitTypes && p.emptyEgressList
      ? [{
        severity: 'warning',
        path: ['spec', 'egress'],
        message:
          '`egress: []` without policyTypes does not restrict egress: the API server only adds Egress to policyTypes when there is at least one egress rule. Add `policyTypes: [Ingress, Egress]` to deny all egress.',
        fix: { target: ['spec'], set: { policyTypes: ['Ingress', 'Egress'] } },
      }]
      : [],
});
