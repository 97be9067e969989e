import { replaceScalar } from '../../fix/edits';
import { definePssRule } from './define';

export default definePssRule({
  id: 'privileged-container',
  check: 'privileged',
  level: 'baseline',
  title: 'Privileged container',
  docs: {
    summary: 'A container runs with `securityContext.privileged: true`.',
    why:
      'A privileged container has every capability and access to all host devices: it is root on the node in all but name, and escaping to the host is trivial (mount the host disk, load a kernel module). Pod Security Standards forbid it from the baseline level up.',
    insecure: 'containers:\n- name: app\n  image: nginx:1.27\n  securityContext:\n    privileged: true',
    hardened: 'containers:\n- name: app\n  image: nginx:1.27\n  securityContext:\n    privileged: false',
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/'],
  },
  fix(res, path) {
    const edit = replaceScalar(res, path, 'false');
    return edit ? [{ title: 'Set privileged: false', edits: [edit], fixAll: true, preferred: true }] : [];
  },
});
