import { definePssRule } from './define';
import { setTo } from './fixes';

export default definePssRule({
  id: 'run-as-user-root',
  check: 'runAsUser',
  level: 'restricted',
  title: 'runAsUser: 0',
  docs: {
    summary: 'The pod or a container sets `runAsUser: 0` (root).',
    why: 'An explicit UID 0 runs the process as root regardless of the image, defeating runAsNonRoot. Pick a dedicated non-zero UID (65532 is the conventional "nonroot" user of distroless images).',
    insecure: 'securityContext:\n  runAsUser: 0',
    hardened: 'securityContext:\n  runAsUser: 65532\n  runAsNonRoot: true',
  },
  fix: setTo('Set runAsUser: 65532', 65532),
});
