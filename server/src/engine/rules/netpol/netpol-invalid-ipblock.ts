import { defineProblemRule } from './common';

export default defineProblemRule({
  id: 'netpol-invalid-ipblock',
  codes: ['invalid-ipblock'],
  fix: 'sometimes',
  title: 'Invalid NetworkPolicy ipBlock',
  defaultSeverity: 'error',
  docs: {
    summary:
      'An `ipBlock` with an invalid or missing CIDR, an `except` entry that is not a strict subset of `cidr`, or (reported as a warning) a CIDR with host bits set such as `10.20.30.40/16`.',
    why:
      'The API server rejects invalid CIDRs and `except` ranges outside `cidr`. A CIDR with bits set after the prefix (`10.20.30.40/16`) is silently read as the network (`10.20.0.0/16`), which is rarely what the author meant, and API servers with StrictIPCIDRValidation reject it. The quick fix writes the canonical CIDR.',
    insecure: 'from:\n  - ipBlock:\n      cidr: 10.20.30.40/16\n      except:\n        - 192.168.0.0/24',
    hardened: 'from:\n  - ipBlock:\n      cidr: 10.20.0.0/16\n      except:\n        - 10.20.30.0/24',
  },
});
