import { definePssRule } from './define';
import { setTo } from './fixes';

export default definePssRule({
  id: 'windows-host-process',
  check: 'windowsHostProcess',
  level: 'baseline',
  title: 'Windows HostProcess container',
  docs: {
    summary: 'The pod or a container sets `windowsOptions.hostProcess: true`.',
    why: 'A Windows HostProcess container runs directly on the host, with host networking and file system: the Windows counterpart of a privileged container.',
    insecure: 'securityContext:\n  windowsOptions:\n    hostProcess: true',
    hardened: 'securityContext:\n  windowsOptions:\n    hostProcess: false',
  },
  fix: setTo('Set hostProcess: false', false),
});
