import { definePssRule } from './define';
import { setTo } from './fixes';

export default definePssRule({
  id: 'proc-mount-restricted',
  check: 'procMount_restricted',
  level: 'restricted',
  title: 'Unmasked /proc (restricted)',
  docs: {
    summary: 'At the restricted level a container must use the Default /proc mount even inside a user namespace.',
    why: 'From v1.35 baseline allows Unmasked /proc for pods in a user namespace (hostUsers: false); restricted keeps requiring the masked default.',
    insecure: 'hostUsers: false\ncontainers:\n- name: app\n  securityContext:\n    procMount: Unmasked',
    hardened: 'hostUsers: false\ncontainers:\n- name: app\n  securityContext:\n    procMount: Default',
  },
  fix: setTo('Set procMount: Default', 'Default'),
});
