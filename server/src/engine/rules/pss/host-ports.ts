import { definePssRule } from './define';
import { remove } from './fixes';

export default definePssRule({
  id: 'host-ports',
  check: 'hostPorts',
  level: 'baseline',
  title: 'hostPort used',
  docs: {
    summary: 'A container port is bound on the node with `hostPort`.',
    why: 'hostPort exposes the container on the node\'s IP outside of Services and NetworkPolicy-aware paths, limits scheduling, and can collide with node services. Expose pods through a Service instead.',
    insecure: 'ports:\n- containerPort: 8080\n  hostPort: 8080',
    hardened: 'ports:\n- containerPort: 8080',
  },
  fix: remove(() => 'Remove hostPort'),
});
