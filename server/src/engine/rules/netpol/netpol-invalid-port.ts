import { defineProblemRule } from './common';

export default defineProblemRule({
  id: 'netpol-invalid-port',
  codes: ['invalid-port'],
  fix: 'sometimes',
  title: 'Invalid NetworkPolicy port',
  defaultSeverity: 'error',
  docs: {
    summary:
      'A NetworkPolicy `ports` entry the API server rejects: a port range written as a string (`port: 1-65535`), `endPort` below `port`, `endPort` with a named or missing port, a port outside 1–65535, a quoted number, an invalid port name or an unsupported protocol.',
    why:
      'A string port is a *named* container port, so `port: 1-65535` is not a range: the API server rejects the policy (and a lenient tool that accepts it matches nothing). Ranges are written as `port` plus `endPort`. `kubectl apply` fails, or — if the policy was meant to open traffic — the application breaks once a default deny is in place.',
    insecure: 'ports:\n  - protocol: TCP\n    port: 1-65535',
    hardened: 'ports:\n  - protocol: TCP\n    port: 1\n    endPort: 65535',
  },
});
