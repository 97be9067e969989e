import { pssRule } from './spec';
import { setTo } from './fixes';
import { procMount_1_0 } from './proc-mount';

export default pssRule({
  id: 'proc-mount-restricted',
  level: 'restricted',
  title: 'Unmasked /proc (restricted)',
  check: {
    id: 'procMount_restricted',
    title: 'Containers must use the Default /proc mount type',
    // check_procMount.go (restricted, v1.35): the baseline check without the user-namespace exemption.
    versions: [{ minor: 35, fn: procMount_1_0, overrides: ['procMount'] }],
  },
  docs: {
    summary: 'At the restricted level a container must use the Default /proc mount even inside a user namespace.',
    why: 'From v1.35 baseline allows Unmasked /proc for pods in a user namespace (hostUsers: false); restricted keeps requiring the masked default.',
    insecure: 'hostUsers: false\ncontainers:\n- name: app\n  securityContext:\n    procMount: Unmasked',
    hardened: 'hostUsers: false\ncontainers:\n- name: app\n  securityContext:\n    procMount: Default',
  },
  fix: setTo('Set procMount: Default', 'Default'),
});
