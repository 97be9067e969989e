/**
 * Known field names of the built-in kinds kubectl commonly writes, for `fieldValidation=Strict|Warn`
 * (the apiserver's strict decoding: "unknown field \"spec.foo\""). A node is an object of known fields;
 * `ANY` accepts any content (maps, and subtrees not modelled here); `[node]` is a list of `node`.
 * Kinds without an entry are not checked (documented in README.md).
 */
import { KObj } from './store';

export const ANY = '*';
type Node = typeof ANY | { [field: string]: Node } | [Node];

const f = (names: string, extra: Record<string, Node> = {}): { [field: string]: Node } => {
  const o: { [field: string]: Node } = {};
  for (const n of names.split(/\s+/).filter(Boolean)) o[n] = ANY;
  return { ...o, ...extra };
};

const ObjectMeta = f('annotations creationTimestamp deletionGracePeriodSeconds deletionTimestamp finalizers generateName generation labels managedFields name namespace ownerReferences resourceVersion selfLink uid');
const LabelSelector = f('matchLabels', { matchExpressions: [f('key operator values')] });
const Container = f('args command env envFrom image imagePullPolicy lifecycle livenessProbe name readinessProbe resizePolicy resources restartPolicy securityContext startupProbe stdin stdinOnce terminationMessagePath terminationMessagePolicy tty volumeDevices volumeMounts workingDir', {
  ports: [f('containerPort hostIP hostPort name protocol')],
  env: [f('name value valueFrom')],
});
const PodSpec = f(`activeDeadlineSeconds affinity automountServiceAccountToken dnsConfig dnsPolicy enableServiceLinks hostAliases hostIPC hostNetwork
  hostPID hostUsers hostname imagePullSecrets nodeName nodeSelector os overhead preemptionPolicy priority priorityClassName readinessGates resourceClaims
  resources restartPolicy runtimeClassName schedulerName schedulingGates securityContext serviceAccount serviceAccountName setHostnameAsFQDN
  shareProcessNamespace subdomain terminationGracePeriodSeconds tolerations topologySpreadConstraints volumes`, {
  containers: [Container], initContainers: [Container], ephemeralContainers: [{ ...Container, targetContainerName: ANY }],
});
const PodTemplateSpec = f('', { metadata: ObjectMeta, spec: PodSpec });
const top = (names: string, extra: Record<string, Node> = {}) => f(`apiVersion kind ${names}`, { metadata: ObjectMeta, ...extra });

export const SCHEMAS: Record<string, Node> = {
  '/Pod': top('status', { spec: PodSpec }),
  '/ConfigMap': top('data binaryData immutable'),
  '/Secret': top('data stringData type immutable'),
  '/Namespace': top('status', { spec: f('finalizers') }),
  '/ServiceAccount': top('secrets imagePullSecrets automountServiceAccountToken'),
  '/Service': top('status', {
    spec: f(`allocateLoadBalancerNodePorts clusterIP clusterIPs externalIPs externalName externalTrafficPolicy healthCheckNodePort internalTrafficPolicy
      ipFamilies ipFamilyPolicy loadBalancerClass loadBalancerIP loadBalancerSourceRanges publishNotReadyAddresses selector sessionAffinity
      sessionAffinityConfig trafficDistribution type`, { ports: [f('appProtocol name nodePort port protocol targetPort')] }),
  }),
  'apps/Deployment': top('status', { spec: f('minReadySeconds paused progressDeadlineSeconds replicas revisionHistoryLimit strategy', { selector: LabelSelector, template: PodTemplateSpec }) }),
  'apps/ReplicaSet': top('status', { spec: f('minReadySeconds replicas', { selector: LabelSelector, template: PodTemplateSpec }) }),
  'apps/DaemonSet': top('status', { spec: f('minReadySeconds revisionHistoryLimit updateStrategy', { selector: LabelSelector, template: PodTemplateSpec }) }),
  'apps/StatefulSet': top('status', {
    spec: f('minReadySeconds ordinals persistentVolumeClaimRetentionPolicy podManagementPolicy replicas revisionHistoryLimit serviceName updateStrategy volumeClaimTemplates', { selector: LabelSelector, template: PodTemplateSpec }),
  }),
  'networking.k8s.io/NetworkPolicy': top('', { spec: f('egress ingress policyTypes', { podSelector: LabelSelector }) }),
  'rbac.authorization.k8s.io/Role': top('rules'),
  'rbac.authorization.k8s.io/ClusterRole': top('rules aggregationRule'),
  'rbac.authorization.k8s.io/RoleBinding': top('subjects roleRef'),
  'rbac.authorization.k8s.io/ClusterRoleBinding': top('subjects roleRef'),
};

/** Unknown fields of `obj` as the strict decoder names them: `spec.template.spec.containers[0].imagee`. */
export function unknownFields(group: string, kind: string, obj: KObj): string[] {
  const schema = SCHEMAS[`${group}/${kind}`];
  const out: string[] = [];
  const walk = (v: unknown, n: Node, path: string) => {
    if (n === ANY || v === null || v === undefined) return;
    if (Array.isArray(n)) { if (Array.isArray(v)) v.forEach((x, i) => walk(x, n[0], `${path}[${i}]`)); return; }
    if (typeof v !== 'object' || Array.isArray(v)) return;
    for (const [k, c] of Object.entries(v as KObj)) {
      if (k.startsWith('$')) continue; // strategic merge patch directives
      const p = path ? `${path}.${k}` : k;
      if (!(k in n)) out.push(p);
      else walk(c, n[k], p);
    }
  };
  if (schema) walk(obj, schema, '');
  return out;
}
