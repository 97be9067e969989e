import { definePssRule } from './define';
import { setTo } from './fixes';

export default definePssRule({
  id: 'run-as-non-root',
  check: 'runAsNonRoot',
  level: 'restricted',
  title: 'May run as root',
  docs: {
    summary: '`runAsNonRoot` is not true for the pod or a container.',
    why: 'Most images default to UID 0. Root in a container is root on the node\'s kernel: with one capability or mount too many, or a kernel bug, it owns the node. runAsNonRoot makes the kubelet refuse to start a container that would run as UID 0.',
    insecure: 'securityContext: {}',
    hardened: 'securityContext:\n  runAsNonRoot: true\n  runAsUser: 10001',
  },
  fix: setTo('Set runAsNonRoot: true', true),
});
