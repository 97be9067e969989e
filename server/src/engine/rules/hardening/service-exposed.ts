import { isObject } from '../../model';
import { defineRule } from '../types';

/** Annotations that make a cloud load balancer internal (reachable from the private network only). */
const INTERNAL_LB: Record<string, RegExp> = {
  'service.beta.kubernetes.io/aws-load-balancer-internal': /^(true|0\.0\.0\.0\/0)$/i,
  'service.beta.kubernetes.io/aws-load-balancer-scheme': /^internal$/i,
  'networking.gke.io/load-balancer-type': /^internal$/i,
  'cloud.google.com/load-balancer-type': /^internal$/i,
  'service.beta.kubernetes.io/azure-load-balancer-internal': /^true$/i,
  'service.beta.kubernetes.io/oci-load-balancer-internal': /^true$/i,
  'service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type': /^private$/i,
};

/** The annotation that makes the load balancer internal, if any. */
function internalAnnotation(annotations: Record<string, unknown>): string | undefined {
  for (const [k, re] of Object.entries(INTERNAL_LB)) {
    const v = annotations[k];
    if ((typeof v === 'string' || typeof v === 'boolean') && re.test(String(v))) return k;
  }
  return undefined;
}

export default defineRule({
  id: 'service-exposed',
  family: 'hardening',
  title: 'Service exposed outside the cluster (NodePort, LoadBalancer)',
  defaultSeverity: 'info',
  fix: 'none',
  docs: {
    summary:
      'A Service of `type: NodePort` or `type: LoadBalancer`, which is reachable from outside the cluster. For a LoadBalancer the message says whether `spec.loadBalancerSourceRanges` restricts the client addresses (and suggests it when it does not), and whether an annotation makes the load balancer internal (AWS, GKE, Azure, OCI, IBM). Informational — an exposed Service is often intended: turn it off with `service-exposed: off` under `rules:` in `.k8s-guardrails.yaml` (or `k8sGuardrails.rules`), or ignore one Service with an annotation and a reason.',
    why:
      'A NodePort opens the port on every node\'s address, and a LoadBalancer asks the cloud for a public address by default: whatever the pods serve becomes reachable from any network that can reach the nodes or the load balancer, past the Ingress (and its TLS, authentication and rate limits). Prefer a ClusterIP Service behind an Ingress or Gateway; when a load balancer is needed, restrict `loadBalancerSourceRanges` to the clients that need it or make it internal.',
    insecure: 'kind: Service\nspec:\n  type: LoadBalancer\n  ports:\n  - port: 443',
    hardened: 'kind: Service\nspec:\n  type: LoadBalancer\n  loadBalancerSourceRanges:\n  - 203.0.113.0/24   # the office network\n  ports:\n  - port: 443',
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types',
      'https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#restricting-access',
    ],
  },
  kinds: new Set(['Service']),
  checkResource(res, ctx) {
    if (res.kind !== 'Service' || res.apiVersion !== 'v1') return;
    const spec = res.object.spec;
    if (!isObject(spec) || (spec.type !== 'NodePort' && spec.type !== 'LoadBalancer')) return;
    const name = res.name || '(unnamed)';
    let message: string;
    if (spec.type === 'NodePort') {
      message = `Service ${name} is of type NodePort: its ports are open on every node's address, to any client that can reach the nodes (loadBalancerSourceRanges does not apply to a NodePort). Prefer a ClusterIP Service behind an Ingress or Gateway, or restrict access to the nodes with a firewall.`;
    } else {
      const ranges = Array.isArray(spec.loadBalancerSourceRanges) ? spec.loadBalancerSourceRanges.filter((r: unknown): r is string => typeof r === 'string') : [];
      const internal = internalAnnotation(res.annotations);
      const open = ranges.some((r: string) => r.trim() === '0.0.0.0/0' || r.trim() === '::/0');
      const where = internal ? `an internal load balancer (annotation ${internal})` : 'a load balancer, public unless the cloud is told otherwise';
      const restriction = !ranges.length
        ? 'loadBalancerSourceRanges is not set, so any client may connect: set it to the address ranges of the clients that need the Service'
        : open
          ? `loadBalancerSourceRanges includes ${ranges.find((r: string) => r.trim() === '0.0.0.0/0' || r.trim() === '::/0')}, which admits any client: narrow it to the clients that need the Service`
          : `loadBalancerSourceRanges restricts clients to ${ranges.slice(0, 3).join(', ')}${ranges.length > 3 ? ` and ${ranges.length - 3} more` : ''}`;
      message = `Service ${name} is of type LoadBalancer: it gets ${where}; ${restriction}.`;
    }
    ctx.report({ resource: res, path: ['spec', 'type'], message });
  },
});
