import { definePssRule } from './define';
import { setTo } from './fixes';

export default definePssRule({
  id: 'apparmor-unconfined',
  check: 'appArmorProfile',
  level: 'baseline',
  title: 'AppArmor profile overridden',
  docs: {
    summary: 'The pod or a container sets an AppArmor profile other than RuntimeDefault or Localhost (field or annotation).',
    why: 'The runtime\'s default AppArmor profile denies writes to /proc and /sys and mounts; `Unconfined` removes it.',
    insecure: 'securityContext:\n  appArmorProfile:\n    type: Unconfined',
    hardened: 'securityContext:\n  appArmorProfile:\n    type: RuntimeDefault',
  },
  fix: (res, path) =>
    path[path.length - 2] === 'annotations' ? setTo('Use runtime/default', 'runtime/default')(res, path) : setTo('Use RuntimeDefault', 'RuntimeDefault')(res, path),
});
