import { definePssRule } from './define';
import { setTo } from './fixes';

export default definePssRule({
  id: 'seccomp-profile-missing',
  check: 'seccompProfile_restricted',
  level: 'restricted',
  title: 'Seccomp profile not set',
  docs: {
    summary: 'Neither the pod nor the container sets `seccompProfile.type` to RuntimeDefault or Localhost.',
    why: 'Without a profile, many runtimes run containers Unconfined. The restricted level requires an explicit RuntimeDefault (or a Localhost profile) so system calls outside the runtime\'s allow-list are blocked.',
    insecure: 'spec:\n  containers:\n  - name: app\n    image: app:1.0',
    hardened: 'spec:\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n  containers:\n  - name: app\n    image: app:1.0',
  },
  fix: (res, path) => {
    const target = path[path.length - 1] === 'type' ? path : [...path, 'type'];
    return setTo('Set seccompProfile.type: RuntimeDefault', 'RuntimeDefault')(res, target);
  },
});
