import { defineProblemRule } from './common';

export default defineProblemRule({
  id: 'netpol-invalid-selector',
  codes: ['invalid-selector'],
  fix: 'none',
  title: 'Invalid label selector in a NetworkPolicy',
  defaultSeverity: 'error',
  docs: {
    summary: 'A `podSelector` or `namespaceSelector` the API server rejects: invalid label keys or values, unknown operators, `In` without values, non-string values.',
    why: 'The policy is rejected on apply. Tools that accept it treat the selector as matching nothing, so the pods it was meant to protect or allow are not covered.',
    insecure: 'podSelector:\n  matchLabels:\n    app: "my app"',
    hardened: 'podSelector:\n  matchLabels:\n    app: my-app',
  },
});
