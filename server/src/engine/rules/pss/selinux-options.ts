import { definePssRule } from './define';
import { remove } from './fixes';

export default definePssRule({
  id: 'selinux-options',
  check: 'seLinuxOptions',
  level: 'baseline',
  title: 'Custom SELinux options',
  docs: {
    summary: 'The pod or a container sets an SELinux type other than the container types, or sets an SELinux user or role.',
    why: 'A custom SELinux user, role or type (e.g. spc_t, unconfined_t) lifts the label-based confinement that keeps container processes away from host files.',
    insecure: 'securityContext:\n  seLinuxOptions:\n    type: spc_t',
    hardened: 'securityContext:\n  seLinuxOptions:\n    type: container_t',
  },
  fix: remove((_res, path) => `Remove seLinuxOptions.${String(path[path.length - 1])}`),
});
