import { defineProblemRule, PolicyFinding } from './common';

export default defineProblemRule({
  id: 'netpol-ignored-rules',
  fix: 'sometimes',
  title: 'NetworkPolicy rules ignored by policyTypes',
  defaultSeverity: 'warning',
  docs: {
    summary: '`ingress` or `egress` rules in a policy whose explicit `policyTypes` does not list that direction.',
    why: 'Rules for a direction missing from `policyTypes` are ignored: the author believes the traffic is restricted (or allowed) when it is not.',
    insecure: 'policyTypes:\n  - Ingress\negress:\n  - to:\n      - podSelector: {}',
    hardened: 'policyTypes:\n  - Ingress\n  - Egress\negress:\n  - to:\n      - podSelector: {}',
  },
  detect(p) {
    // Absent or empty policyTypes is defaulted from the rules, so it never leaves rules out.
    if (!p.explicitTypes) return [];
    const found: PolicyFinding[] = [];
    if (!p.types.ingress && p.ingress.length > 0) {
      found.push({ severity: 'warning', path: ['spec', 'ingress'], message: 'ingress rules are ignored because policyTypes does not include Ingress' });
    }
    if (!p.types.egress && p.egress.length > 0) {
      found.push({
        severity: 'warning',
        path: ['spec', 'egress'],
        message: 'egress rules are ignored because policyTypes does not include Egress',
        fix: { target: ['spec'], set: { policyTypes: [...(p.types.ingress ? ['Ingress'] : []), 'Egress'] } },
      });
    }
    return found;
  },
});
