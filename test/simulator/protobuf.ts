/**
 * Minimal decoder for `application/vnd.kubernetes.protobuf` request bodies, the wire format kubectl's typed
 * clients use for `create namespace|configmap|secret|deployment|service|serviceaccount|role|rolebinding|…`,
 * `create token`, `auth can-i` (SelfSubjectAccessReview), `auth whoami` (SelfSubjectReview) and `drain`
 * (Eviction). A real API server decodes these; a 415 does not make kubectl fall back to JSON.
 *
 * Envelope (k8s.io/apimachinery/pkg/runtime/serializer/protobuf): the 4 magic bytes `k8s\0`, then a
 * `runtime.Unknown` message { typeMeta=1 { apiVersion=1, kind=2 }, raw=2, contentEncoding=3, contentType=4 }
 * whose `raw` is the object's own message. Field numbers below are those of k8s.io/api's generated.proto.
 * Kinds without a schema here are answered with 415 (documented as a known gap in README.md).
 *
 * go-to-protobuf always writes non-pointer scalars, even empty: empty strings and zero non-pointer numbers /
 * booleans are dropped (their JSON is `omitempty`); pointer fields (`i*`, `b*`) keep a zero; a Timestamp of
 * 0 seconds is the Go zero time (JSON null) and is dropped.
 */
import { KObj } from './store';

type Scalar = 's' | 'bytes' | 'i' | 'i*' | 'b' | 'b*' | 'time' | 'quantity' | 'intstr';
// [jsonName, type, repeated?]
type Field = [string, FieldType, 'rep'?];
interface Msg { [num: number]: Field }
interface MapT { map: FieldType }
type FieldType = Scalar | Msg | MapT | (() => Msg);

const SS: MapT = { map: 's' };

const TypeMeta: Msg = { 1: ['apiVersion', 's'], 2: ['kind', 's'] };
const OwnerReference: Msg = { 1: ['kind', 's'], 3: ['name', 's'], 4: ['uid', 's'], 5: ['apiVersion', 's'], 6: ['controller', 'b*'], 7: ['blockOwnerDeletion', 'b*'] };
const ObjectMeta: Msg = {
  1: ['name', 's'], 2: ['generateName', 's'], 3: ['namespace', 's'], 5: ['uid', 's'], 6: ['resourceVersion', 's'], 7: ['generation', 'i'],
  8: ['creationTimestamp', 'time'], 9: ['deletionTimestamp', 'time'], 10: ['deletionGracePeriodSeconds', 'i*'],
  11: ['labels', SS], 12: ['annotations', SS], 13: ['ownerReferences', OwnerReference, 'rep'], 14: ['finalizers', 's', 'rep'],
};
const LabelSelector: Msg = { 1: ['matchLabels', SS], 2: ['matchExpressions', { 1: ['key', 's'], 2: ['operator', 's'], 3: ['values', 's', 'rep'] }, 'rep'] };
const KeySelector: Msg = { 1: ['localObjectReference', { 1: ['name', 's'] }], 2: ['key', 's'], 3: ['optional', 'b*'] };
const EnvVar: Msg = {
  1: ['name', 's'], 2: ['value', 's'],
  3: ['valueFrom', { 1: ['fieldRef', { 1: ['apiVersion', 's'], 2: ['fieldPath', 's'] }], 3: ['configMapKeyRef', KeySelector], 4: ['secretKeyRef', KeySelector] }],
};
const ContainerPort: Msg = { 1: ['name', 's'], 2: ['hostPort', 'i'], 3: ['containerPort', 'i'], 4: ['protocol', 's'], 5: ['hostIP', 's'] };
const Resources: Msg = { 1: ['limits', { map: 'quantity' }], 2: ['requests', { map: 'quantity' }] };
const Container: Msg = {
  1: ['name', 's'], 2: ['image', 's'], 3: ['command', 's', 'rep'], 4: ['args', 's', 'rep'], 5: ['workingDir', 's'],
  6: ['ports', ContainerPort, 'rep'], 7: ['env', EnvVar, 'rep'], 8: ['resources', Resources],
  9: ['volumeMounts', { 1: ['name', 's'], 2: ['readOnly', 'b'], 3: ['mountPath', 's'], 4: ['subPath', 's'] }, 'rep'],
  13: ['terminationMessagePath', 's'], 14: ['imagePullPolicy', 's'], 16: ['stdin', 'b'], 17: ['stdinOnce', 'b'], 18: ['tty', 'b'],
  20: ['terminationMessagePolicy', 's'],
};
const PodSpec: Msg = {
  2: ['containers', Container, 'rep'], 3: ['restartPolicy', 's'], 4: ['terminationGracePeriodSeconds', 'i*'], 5: ['activeDeadlineSeconds', 'i*'],
  6: ['dnsPolicy', 's'], 7: ['nodeSelector', SS], 8: ['serviceAccountName', 's'], 9: ['serviceAccount', 's'], 10: ['nodeName', 's'],
  11: ['hostNetwork', 'b'], 12: ['hostPID', 'b'], 13: ['hostIPC', 'b'], 16: ['hostname', 's'], 17: ['subdomain', 's'],
  19: ['schedulerName', 's'], 20: ['initContainers', Container, 'rep'], 21: ['automountServiceAccountToken', 'b*'],
};
const PodTemplateSpec: Msg = { 1: ['metadata', ObjectMeta], 2: ['spec', PodSpec] };
const PolicyRule: Msg = { 1: ['verbs', 's', 'rep'], 2: ['apiGroups', 's', 'rep'], 3: ['resources', 's', 'rep'], 4: ['resourceNames', 's', 'rep'], 5: ['nonResourceURLs', 's', 'rep'] };
const Binding: Msg = {
  1: ['metadata', ObjectMeta],
  2: ['subjects', { 1: ['kind', 's'], 2: ['apiGroup', 's'], 3: ['name', 's'], 4: ['namespace', 's'] }, 'rep'],
  3: ['roleRef', { 1: ['apiGroup', 's'], 2: ['kind', 's'], 3: ['name', 's'] }],
};
const JobSpec: Msg = {
  1: ['parallelism', 'i*'], 2: ['completions', 'i*'], 3: ['activeDeadlineSeconds', 'i*'], 4: ['selector', LabelSelector], 6: ['template', PodTemplateSpec],
  7: ['backoffLimit', 'i*'], 8: ['ttlSecondsAfterFinished', 'i*'],
};

/** A field whose message is inlined into its parent in JSON. */
const INLINE = '';
const IngressBackend: Msg = {
  3: ['resource', { 1: ['apiGroup', 's'], 2: ['kind', 's'], 3: ['name', 's'] }],
  4: ['service', { 1: ['name', 's'], 2: ['port', { 1: ['name', 's'], 2: ['number', 'i'] }] }],
};

/** Object schemas by `apiVersion/kind` (the runtime.Unknown typeMeta). */
const KINDS: Record<string, Msg> = {
  'v1/Namespace': { 1: ['metadata', ObjectMeta], 2: ['spec', { 1: ['finalizers', 's', 'rep'] }] },
  'v1/ConfigMap': { 1: ['metadata', ObjectMeta], 2: ['data', SS], 3: ['binaryData', { map: 'bytes' }], 4: ['immutable', 'b*'] },
  'v1/Secret': { 1: ['metadata', ObjectMeta], 2: ['data', { map: 'bytes' }], 3: ['type', 's'], 4: ['stringData', SS], 5: ['immutable', 'b*'] },
  'v1/ServiceAccount': { 1: ['metadata', ObjectMeta], 4: ['automountServiceAccountToken', 'b*'] },
  'v1/Service': {
    1: ['metadata', ObjectMeta],
    2: ['spec', {
      1: ['ports', { 1: ['name', 's'], 2: ['protocol', 's'], 3: ['port', 'i'], 4: ['targetPort', 'intstr'], 5: ['nodePort', 'i'] }, 'rep'],
      2: ['selector', SS], 3: ['clusterIP', 's'], 4: ['type', 's'], 5: ['externalIPs', 's', 'rep'], 7: ['sessionAffinity', 's'], 11: ['externalName', 's'],
    }],
  },
  'apps/v1/Deployment': {
    1: ['metadata', ObjectMeta],
    2: ['spec', {
      1: ['replicas', 'i*'], 2: ['selector', LabelSelector], 3: ['template', PodTemplateSpec],
      4: ['strategy', { 1: ['type', 's'], 2: ['rollingUpdate', { 1: ['maxUnavailable', 'intstr'], 2: ['maxSurge', 'intstr'] }] }],
      5: ['minReadySeconds', 'i'], 6: ['revisionHistoryLimit', 'i*'], 7: ['paused', 'b'], 9: ['progressDeadlineSeconds', 'i*'],
    }],
  },
  'batch/v1/Job': { 1: ['metadata', ObjectMeta], 2: ['spec', JobSpec] },
  'batch/v1/CronJob': {
    1: ['metadata', ObjectMeta],
    2: ['spec', {
      1: ['schedule', 's'], 2: ['startingDeadlineSeconds', 'i*'], 3: ['concurrencyPolicy', 's'], 4: ['suspend', 'b*'],
      5: ['jobTemplate', { 1: ['metadata', ObjectMeta], 2: ['spec', JobSpec] }], 6: ['successfulJobsHistoryLimit', 'i*'], 7: ['failedJobsHistoryLimit', 'i*'], 8: ['timeZone', 's'],
    }],
  },
  'rbac.authorization.k8s.io/v1/Role': { 1: ['metadata', ObjectMeta], 2: ['rules', PolicyRule, 'rep'] },
  'rbac.authorization.k8s.io/v1/ClusterRole': { 1: ['metadata', ObjectMeta], 2: ['rules', PolicyRule, 'rep'] },
  'rbac.authorization.k8s.io/v1/RoleBinding': Binding,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': Binding,
  'v1/ResourceQuota': {
    1: ['metadata', ObjectMeta],
    2: ['spec', { 1: ['hard', { map: 'quantity' }], 2: ['scopes', 's', 'rep'] }],
  },
  'policy/v1/PodDisruptionBudget': {
    1: ['metadata', ObjectMeta],
    2: ['spec', { 1: ['minAvailable', 'intstr'], 2: ['selector', LabelSelector], 3: ['maxUnavailable', 'intstr'], 4: ['unhealthyPodEvictionPolicy', 's'] }],
  },
  'networking.k8s.io/v1/Ingress': {
    1: ['metadata', ObjectMeta],
    2: ['spec', {
      1: ['defaultBackend', IngressBackend], 2: ['tls', { 1: ['hosts', 's', 'rep'], 2: ['secretName', 's'] }, 'rep'],
      // IngressRule.ingressRuleValue is inlined in JSON (`json:",inline"`)
      3: ['rules', { 1: ['host', 's'], 2: [INLINE, { 1: ['http', { 1: ['paths', { 1: ['path', 's'], 2: ['backend', IngressBackend], 3: ['pathType', 's'] }, 'rep'] }] }] }, 'rep'],
      4: ['ingressClassName', 's'],
    }],
  },
  'authentication.k8s.io/v1/TokenRequest': {
    1: ['metadata', ObjectMeta],
    2: ['spec', { 1: ['audiences', 's', 'rep'], 3: ['boundObjectRef', { 1: ['kind', 's'], 2: ['apiVersion', 's'], 3: ['name', 's'], 4: ['uid', 's'] }], 4: ['expirationSeconds', 'i*'] }],
  },
  'authentication.k8s.io/v1/SelfSubjectReview': { 1: ['metadata', ObjectMeta] },
  'authorization.k8s.io/v1/SelfSubjectAccessReview': {
    1: ['metadata', ObjectMeta],
    2: ['spec', {
      1: ['resourceAttributes', { 1: ['namespace', 's'], 2: ['verb', 's'], 3: ['group', 's'], 4: ['version', 's'], 5: ['resource', 's'], 6: ['subresource', 's'], 7: ['name', 's'] }],
      2: ['nonResourceAttributes', { 1: ['path', 's'], 2: ['verb', 's'] }],
    }],
  },
  'authorization.k8s.io/v1/SelfSubjectRulesReview': { 1: ['metadata', ObjectMeta], 2: ['spec', { 1: ['namespace', 's'] }] },
  'policy/v1/Eviction': {
    1: ['metadata', ObjectMeta],
    2: ['deleteOptions', { 1: ['gracePeriodSeconds', 'i*'], 2: ['preconditions', { 1: ['uid', 's'], 2: ['resourceVersion', 's'] }], 3: ['orphanDependents', 'b*'], 4: ['propagationPolicy', 's'], 5: ['dryRun', 's', 'rep'] }],
  },
};

export const PROTOBUF_CT = 'application/vnd.kubernetes.protobuf';

/** Thrown for bodies that are not a well-formed envelope or whose kind has no schema here. */
export class ProtobufError extends Error {
  constructor(message: string, public readonly unsupportedKind = false) { super(message); }
}

interface Wire { num: number; wt: number; v: bigint | Buffer }

function readVarint(b: Buffer, pos: { i: number }): bigint {
  let r = 0n;
  let shift = 0n;
  for (;;) {
    if (pos.i >= b.length) throw new ProtobufError('unexpected end of varint');
    const byte = b[pos.i++];
    r |= BigInt(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return r;
    shift += 7n;
    if (shift > 63n) throw new ProtobufError('varint too long');
  }
}

/** Splits a message into its wire fields (varint, 64-bit, length-delimited, 32-bit). */
export function wireFields(b: Buffer): Wire[] {
  const out: Wire[] = [];
  const pos = { i: 0 };
  while (pos.i < b.length) {
    const key = Number(readVarint(b, pos));
    const num = key >>> 3;
    const wt = key & 7;
    if (wt === 0) out.push({ num, wt, v: readVarint(b, pos) });
    else if (wt === 2) {
      const len = Number(readVarint(b, pos));
      if (pos.i + len > b.length) throw new ProtobufError('length-delimited field past the end of the message');
      out.push({ num, wt, v: b.subarray(pos.i, pos.i + len) });
      pos.i += len;
    } else if (wt === 1) { out.push({ num, wt, v: b.subarray(pos.i, pos.i + 8) }); pos.i += 8; }
    else if (wt === 5) { out.push({ num, wt, v: b.subarray(pos.i, pos.i + 4) }); pos.i += 4; }
    else throw new ProtobufError(`unsupported wire type ${wt}`);
  }
  return out;
}

function asBuf(w: Wire): Buffer {
  if (!Buffer.isBuffer(w.v)) throw new ProtobufError(`field ${w.num}: expected a length-delimited value`);
  return w.v;
}

function asInt(w: Wire): number {
  if (typeof w.v !== 'bigint') throw new ProtobufError(`field ${w.num}: expected a varint`);
  return Number(BigInt.asIntN(64, w.v));
}

function scalar(t: Scalar, w: Wire): unknown {
  switch (t) {
    case 's': return asBuf(w).toString('utf8');
    case 'bytes': return asBuf(w).toString('base64');
    case 'i': case 'i*': return asInt(w);
    case 'b': case 'b*': return asInt(w) !== 0;
    case 'quantity': return decodeMsg(asBuf(w), { 1: ['string', 's'] }).string ?? '0';
    case 'intstr': {
      const o = decodeMsg(asBuf(w), { 1: ['type', 'i'], 2: ['intVal', 'i'], 3: ['strVal', 's'] });
      return o.type === 1 ? o.strVal ?? '' : o.intVal ?? 0;
    }
    case 'time': {
      const o = decodeMsg(asBuf(w), { 1: ['seconds', 'i'], 2: ['nanos', 'i'] });
      if (!o.seconds) return undefined;
      return new Date(o.seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    }
  }
}

function isZero(t: Scalar, v: unknown): boolean {
  return v === undefined || (t === 's' && v === '') || (t === 'i' && v === 0) || (t === 'b' && v === false);
}

function decodeValue(t: FieldType, w: Wire): unknown {
  if (typeof t === 'string') return scalar(t, w);
  if (typeof t === 'function') return decodeMsg(asBuf(w), t());
  if ('map' in t) return undefined; // handled by the caller
  return decodeMsg(asBuf(w), t as Msg);
}

/** Decodes one message with a schema; unknown field numbers are skipped (as the Go unmarshaller does). */
export function decodeMsg(b: Buffer, schema: Msg): KObj {
  const o: KObj = {};
  for (const w of wireFields(b)) {
    const f = schema[w.num];
    if (!f) continue;
    const [name, t, rep] = f;
    if (typeof t === 'object' && 'map' in t) {
      const e = decodeMsg(asBuf(w), { 1: ['key', 's'], 2: ['value', t.map] });
      const m = (o[name] ??= {});
      m[e.key ?? ''] = e.value ?? (t.map === 's' || t.map === 'bytes' ? '' : undefined);
      continue;
    }
    const v = decodeValue(t, w);
    if (name === INLINE) Object.assign(o, v);
    else if (rep) (o[name] ??= []).push(v);
    else if (!(typeof t === 'string' && isZero(t, v))) o[name] = v;
  }
  return o;
}

/** Decodes a `k8s\0` + runtime.Unknown body into the JSON object a JSON client would have sent. */
export function decodeK8sProtobuf(body: Buffer): KObj {
  if (body.length < 4 || body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw new ProtobufError('provided value is not protobuf: missing the k8s\\0 prefix');
  const unknown = decodeMsg(body.subarray(4), { 1: ['typeMeta', TypeMeta], 2: ['raw', 'bytes'], 3: ['contentEncoding', 's'], 4: ['contentType', 's'] });
  const apiVersion: string = unknown.typeMeta?.apiVersion ?? '';
  const kind: string = unknown.typeMeta?.kind ?? '';
  const schema = KINDS[`${apiVersion}/${kind}`];
  if (!schema) throw new ProtobufError(`no protobuf schema for ${apiVersion}/${kind}`, true);
  const obj = decodeMsg(Buffer.from(unknown.raw ?? '', 'base64'), schema);
  return { apiVersion, kind, ...obj };
}
