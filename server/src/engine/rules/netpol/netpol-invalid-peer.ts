import { defineProblemRule } from './common';

export default defineProblemRule({
  id: 'netpol-invalid-peer',
  codes: ['invalid-peer'],
  fix: 'none',
  title: 'Invalid NetworkPolicy peer',
  defaultSeverity: 'error',
  docs: {
    summary: 'A `from`/`to` peer that is empty, not an object, or combines `ipBlock` with `podSelector`/`namespaceSelector`.',
    why:
      'The API server rejects such peers. An empty peer is often meant as "everything" (that is `namespaceSelector: {}`, or omitting `from`/`to`), and `ipBlock` next to a selector in one entry is usually meant as two alternatives, which must be two list entries.',
    insecure: 'to:\n  - ipBlock:\n      cidr: 10.0.0.0/8\n    podSelector:\n      matchLabels:\n        app: db',
    hardened: 'to:\n  - ipBlock:\n      cidr: 10.0.0.0/8\n  - podSelector:\n      matchLabels:\n        app: db',
  },
});
