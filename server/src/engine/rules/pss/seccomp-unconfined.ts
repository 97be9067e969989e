import { definePssRule } from './define';
import { setTo } from './fixes';

export default definePssRule({
  id: 'seccomp-unconfined',
  check: 'seccompProfile_baseline',
  level: 'baseline',
  title: 'Seccomp explicitly Unconfined',
  docs: {
    summary: 'The pod or a container sets its seccomp profile to `Unconfined` (field or deprecated annotation).',
    why: 'Seccomp filters block dozens of rarely needed system calls (keyctl, unshare, ptrace, bpf…) that are behind many container escapes. Unconfined removes that filter entirely.',
    insecure: 'securityContext:\n  seccompProfile:\n    type: Unconfined',
    hardened: 'securityContext:\n  seccompProfile:\n    type: RuntimeDefault',
  },
  fix: (res, path) =>
    path[path.length - 2] === 'annotations' ? setTo('Use runtime/default', 'runtime/default')(res, path) : setTo('Use RuntimeDefault', 'RuntimeDefault')(res, path),
});
