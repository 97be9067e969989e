import { definePssRule } from './define';
import { setTo } from './fixes';

export default definePssRule({
  id: 'allow-privilege-escalation',
  check: 'allowPrivilegeEscalation',
  level: 'restricted',
  title: 'Privilege escalation allowed',
  docs: {
    summary: 'A container does not set `allowPrivilegeEscalation: false`.',
    why: 'Unless it is false, setuid binaries (sudo, ping, su) and file capabilities can raise a process above its parent\'s privileges (the kernel\'s no_new_privs flag stays off).',
    insecure: 'securityContext:\n  allowPrivilegeEscalation: true',
    hardened: 'securityContext:\n  allowPrivilegeEscalation: false',
  },
  fix: setTo('Set allowPrivilegeEscalation: false', false),
});
