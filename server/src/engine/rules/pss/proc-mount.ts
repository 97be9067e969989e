import { definePssRule } from './define';
import { setTo } from './fixes';

export default definePssRule({
  id: 'proc-mount',
  check: 'procMount',
  level: 'baseline',
  title: 'Unmasked /proc',
  docs: {
    summary: 'A container sets `procMount: Unmasked`.',
    why: 'The default /proc mount masks kernel interfaces (/proc/kcore, /proc/sysrq-trigger…) that leak host memory or let a process act on the node.',
    insecure: 'securityContext:\n  procMount: Unmasked',
    hardened: 'securityContext:\n  procMount: Default',
  },
  fix: setTo('Set procMount: Default', 'Default'),
});
