import { definePssRule } from './define';
import { removeParentItem } from './fixes';

export default definePssRule({
  id: 'unsafe-sysctls',
  check: 'sysctls',
  level: 'baseline',
  title: 'Unsafe sysctl',
  docs: {
    summary: 'The pod sets a sysctl outside the safe, namespaced set allowed at its Kubernetes version.',
    why: 'Unsafe sysctls are not isolated per pod: they change the kernel behaviour of the whole node and can starve or destabilise other workloads.',
    insecure: 'securityContext:\n  sysctls:\n  - name: kernel.msgmax\n    value: "65536"',
    hardened: 'securityContext:\n  sysctls:\n  - name: net.ipv4.ip_unprivileged_port_start\n    value: "0"',
  },
  fix: removeParentItem('Remove the sysctl'),
});
