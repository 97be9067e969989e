import { defineProblemRule } from './common';

export default defineProblemRule({
  id: 'netpol-invalid-field',
  codes: ['invalid-field'],
  fix: 'none',
  title: 'Unknown or wrongly typed NetworkPolicy field',
  defaultSeverity: 'error',
  docs: {
    summary: 'A NetworkPolicy field that does not exist (e.g. `egress[].from`, `ingress[].to`) or has the wrong type (e.g. `ingress` as a mapping).',
    why:
      'Strict field validation rejects unknown fields; with it off they are silently dropped. A misplaced `from` in an egress rule, for example, disappears and the rule then allows egress to every destination.',
    insecure: 'egress:\n  - from:\n      - podSelector: {}',
    hardened: 'egress:\n  - to:\n      - podSelector: {}',
  },
});
