import { definePssRule } from './define';
import { remove } from './fixes';

export default definePssRule({
  id: 'host-probes',
  check: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  title: 'Probe or lifecycle handler with a host',
  docs: {
    summary: 'A probe or lifecycle handler (httpGet/tcpSocket) sets `host` (v1.34+).',
    why: 'The kubelet runs probes from the node; a custom host turns them into requests the kubelet makes on the pod\'s behalf to any address, such as cloud metadata endpoints (server-side request forgery). Leave host unset so the pod IP is used.',
    insecure: 'livenessProbe:\n  httpGet:\n    host: 169.254.169.254\n    path: /\n    port: 80',
    hardened: 'livenessProbe:\n  httpGet:\n    path: /healthz\n    port: 8080',
  },
  fix: remove(() => 'Remove host (probe the pod itself)'),
});
