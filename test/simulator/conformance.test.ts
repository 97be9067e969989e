/**
 * kubectl conformance: the real kubectl 1.32 against the simulator, one table row per command, each with the
 * exit code and key output a real kube-apiserver 1.32 produces and a one-line reference for that behaviour.
 * Rows run in order against one simulator (later rows see the state earlier rows made).
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { kubectl } from './helpers';
import { KObj, Simulator, startSimulator, T } from './server';

interface Row {
  /** kubectl arguments (a function when they depend on state, e.g. generated pod names) */
  args: string[] | ((sim: Simulator) => string[]);
  stdin?: string;
  code: number;
  out?: RegExp;
  err?: RegExp;
  /** output that must not appear (stdout + stderr) */
  not?: RegExp;
  /** further assertions on the simulator's state after the command */
  check?: (sim: Simulator) => void;
  /** HTTP exchanges the command must have made: [method, path regex, status code] */
  http?: Array<[string, RegExp, number]>;
  /** keeps something from the output for later rows */
  save?: (stdout: string) => void;
  /** the documented real behaviour */
  ref: string;
}

const NS = 'conformance';
const SA = `system:serviceaccount:${NS}:robot`;
const DOCS = 'https://kubernetes.io/docs';

function deployment(name: string, replicas: number, extra = '', labels = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${NS}
${labels}spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
${extra}`;
}

const cm = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: ${NS}\ndata:\n${data}`;

function pod(sim: Simulator, ns: string, name: string): KObj | undefined { return sim.store.get(T('pods'), ns, name); }
function podsOf(sim: Simulator, ns: string, pred: (p: KObj) => boolean): KObj[] { return sim.store.list(T('pods'), ns).filter(pred); }

let released = '';
let robotToken = '';
let daemonPodBefore = '';

const ROWS: Row[] = [
  // ------------------------------------------------ protobuf: kubectl's typed clients send application/vnd.kubernetes.protobuf
  { http: [['POST', /^\/api\/v1\/namespaces$/, 201]], args: ['create', 'namespace', NS], code: 0, out: /^namespace\/conformance created$/m, ref: `${DOCS}/reference/using-api/api-concepts/#protobuf-encoding — built-in kinds accept protobuf bodies` },
  { args: ['get', 'namespace', NS, '-o', 'jsonpath={.spec.finalizers} {.status.phase} {.metadata.labels}'], code: 0, out: /^\["kubernetes"\] Active \{"kubernetes\.io\/metadata\.name":"conformance"\}$/, ref: 'pkg/registry/core/namespace/strategy.go PrepareForCreate sets spec.finalizers [kubernetes]; NamespaceDefaultLabelName' },
  { http: [['POST', /\/configmaps$/, 201]], args: ['-n', NS, 'create', 'configmap', 'cm1', '--from-literal=k=v', '--from-literal=empty='], code: 0, out: /^configmap\/cm1 created$/m, ref: 'kubectl create configmap → POST /api/v1/namespaces/{ns}/configmaps (protobuf)' },
  { args: ['-n', NS, 'get', 'configmap', 'cm1', '-o', 'jsonpath={.data}'], code: 0, out: /^\{"empty":"","k":"v"\}$/, ref: 'ConfigMap.data map<string,string> (k8s.io/api/core/v1/generated.proto field 2)' },
  { args: ['-n', NS, 'create', 'secret', 'generic', 's1', '--from-literal=password=hunter2'], code: 0, out: /^secret\/s1 created$/m, ref: 'kubectl create secret generic → protobuf Secret, data map<string,bytes>' },
  { args: ['-n', NS, 'get', 'secret', 's1', '-o', 'jsonpath={.data.password} {.type}'], code: 0, out: /^aHVudGVyMg== Opaque$/, ref: `${DOCS}/concepts/configuration/secret/#opaque-secrets — data is base64 in JSON` },
  { http: [['POST', /^\/apis\/apps\/v1\/namespaces\/conformance\/deployments$/, 201]], args: ['-n', NS, 'create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2'], code: 0, out: /^deployment\.apps\/web created$/m, ref: 'kubectl create deployment → protobuf apps/v1 Deployment' },
  { args: ['-n', NS, 'get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas} {.spec.strategy.type} {.spec.template.spec.containers[0].name}'], code: 0, out: /^2 RollingUpdate nginx$/, ref: 'pkg/apis/apps/v1/defaults.go SetDefaults_Deployment: strategy RollingUpdate 25%/25%' },
  { args: ['-n', NS, 'get', 'pods', '-l', 'app=web', '-o', 'name'], code: 0, out: /^(pod\/web-[a-z0-9]+-[a-z0-9]{5}\n){2}$/, ref: `${DOCS}/concepts/workloads/controllers/deployment/ — the Deployment's ReplicaSet creates replicas pods` },
  { args: ['-n', NS, 'create', 'serviceaccount', 'robot'], code: 0, out: /^serviceaccount\/robot created$/m, ref: 'kubectl create serviceaccount → protobuf ServiceAccount' },
  { http: [['POST', /\/serviceaccounts\/robot\/token$/, 201]], args: ['-n', NS, 'create', 'token', 'robot', '--duration=10m'], code: 0, out: /^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/, save: (o) => { robotToken = o.trim(); }, ref: `${DOCS}/reference/kubectl/generated/kubectl_create/kubectl_create_token/ — TokenRequest (protobuf) on serviceaccounts/token` },
  { args: () => ['auth', 'whoami', `--token=${robotToken}`], code: 0, out: /Username\s+system:serviceaccount:conformance:robot\n/, ref: 'a bound ServiceAccount token (JWT) authenticates as the ServiceAccount' },
  { args: ['-n', NS, 'create', 'token', 'ghost'], code: 1, err: /serviceaccounts "ghost" not found/, ref: 'TokenRequest for a missing ServiceAccount → 404 NotFound' },
  { args: ['-n', NS, 'create', 'service', 'clusterip', 'web', '--tcp=80:8080'], code: 0, out: /^service\/web created$/m, ref: 'kubectl create service clusterip → protobuf Service' },
  { args: ['-n', NS, 'get', 'service', 'web', '-o', 'jsonpath={.spec.ports[0].port}/{.spec.ports[0].targetPort}/{.spec.type}'], code: 0, out: /^80\/8080\/ClusterIP$/, ref: 'ServicePort.targetPort IntOrString (generated.proto field 4)' },
  { args: ['-n', NS, 'create', 'role', 'pod-reader', '--verb=get,list', '--resource=pods'], code: 0, out: /^role\.rbac\.authorization\.k8s\.io\/pod-reader created$/m, ref: 'kubectl create role → protobuf rbac/v1 Role' },
  { args: ['-n', NS, 'create', 'rolebinding', 'robot-pod-reader', '--role=pod-reader', `--serviceaccount=${NS}:robot`], code: 0, out: /rolebinding\.rbac\.authorization\.k8s\.io\/robot-pod-reader created/, ref: 'kubectl create rolebinding → protobuf rbac/v1 RoleBinding' },
  { args: ['-n', NS, 'create', 'quota', 'q1', '--hard=cpu=1,pods=2'], code: 0, out: /^resourcequota\/q1 created$/m, ref: 'kubectl create quota → protobuf ResourceQuota (spec.hard map<string,Quantity>)' },
  { args: ['-n', NS, 'create', 'pdb', 'web', '--selector=app=web', '--max-unavailable=50%'], code: 0, out: /^poddisruptionbudget\.policy\/web created$/m, ref: 'kubectl create pdb → protobuf policy/v1 PodDisruptionBudget' },
  { args: ['-n', NS, 'create', 'ingress', 'web', '--rule=web.example.com/api*=web:80,tls=web-cert', '--class=nginx'], code: 0, out: /^ingress\.networking\.k8s\.io\/web created$/m, ref: 'kubectl create ingress → protobuf networking/v1 Ingress' },
  {
    args: ['-n', NS, 'get', 'quota,pdb,ingress', '-o', 'jsonpath={range .items[*]}{.kind}={.spec}{"\\n"}{end}'], code: 0,
    out: /^ResourceQuota=\{"hard":\{"cpu":"1","pods":"2"\}\}\nPodDisruptionBudget=\{"maxUnavailable":"50%","selector":\{"matchLabels":\{"app":"web"\}\}\}\nIngress=\{"ingressClassName":"nginx","rules":\[\{"host":"web\.example\.com","http":\{"paths":\[\{"backend":\{"service":\{"name":"web","port":\{"number":80\}\}\},"path":"\/api","pathType":"Prefix"\}\]\}\}\],"tls":\[\{"hosts":\["web\.example\.com"\],"secretName":"web-cert"\}\]\}\n$/,
    ref: 'IntOrString, Quantity and the inlined IngressRuleValue decode to the JSON kubectl meant',
  },
  { http: [['POST', /^\/api\/v1\/namespaces$/, 422]], args: ['create', 'namespace', 'Bad_Name'], code: 1, err: /The Namespace "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label/, ref: 'ValidateNamespaceName = DNS-1123 label; 422 Invalid' },
  { http: [['POST', /\/configmaps$/, 409]], args: ['-n', NS, 'create', 'configmap', 'cm1', '--from-literal=k=v'], code: 1, err: /configmaps "cm1" already exists/, ref: 'create of an existing name → 409 AlreadyExists' },
  { args: ['-n', NS, 'get', 'configmap', 'nope'], code: 1, err: /Error from server \(NotFound\): configmaps "nope" not found/, ref: 'get of a missing object → 404 NotFound' },

  // ------------------------------------------------ SelfSubjectReview / SelfSubjectAccessReview / SelfSubjectRulesReview
  { http: [['POST', /^\/apis\/authentication\.k8s\.io\/v1\/selfsubjectreviews$/, 201]], args: ['auth', 'whoami'], code: 0, out: /Username\s+sim-token-user\nGroups\s+\[system:masters system:authenticated\]/, ref: `${DOCS}/reference/access-authn-authz/authentication/#self-subject-review` },
  { args: ['auth', 'whoami', `--as=${SA}`], code: 0, out: /Username\s+system:serviceaccount:conformance:robot\nGroups\s+\[system:serviceaccounts system:serviceaccounts:conformance system:authenticated\]/, ref: 'impersonation.go: a ServiceAccount user gets its fixed groups; everyone but system:anonymous gets system:authenticated' },
  { args: ['auth', 'whoami', '--as=jane', '--as-group=devs'], code: 0, out: /Username\s+jane\nGroups\s+\[devs system:authenticated\]/, ref: `${DOCS}/reference/access-authn-authz/authentication/#user-impersonation` },
  { http: [['POST', /^\/apis\/authorization\.k8s\.io\/v1\/selfsubjectaccessreviews$/, 201]], args: ['auth', 'can-i', 'create', 'pods', '-n', NS], code: 0, out: /^yes$/m, ref: `${DOCS}/reference/access-authn-authz/authorization/#checking-api-access — system:masters is allowed everything` },
  { args: ['auth', 'can-i', 'list', 'pods', '-n', NS, `--as=${SA}`], code: 0, out: /^yes$/m, ref: 'SelfSubjectAccessReview evaluated for the impersonated user through the RoleBinding' },
  { args: ['auth', 'can-i', 'delete', 'pods', '-n', NS, `--as=${SA}`], code: 1, out: /^no$/m, ref: 'kubectl auth can-i exits 1 when the answer is no' },
  { args: ['auth', 'can-i', 'get', 'secrets', '-n', NS, `--as=${SA}`], code: 1, out: /^no$/m, ref: 'RBAC is deny-by-default' },
  { args: ['auth', 'can-i', 'list', 'pods', '-n', 'default', `--as=${SA}`], code: 1, out: /^no$/m, ref: 'a RoleBinding grants only in its namespace' },
  { http: [['POST', /selfsubjectrulesreviews$/, 201]], args: ['auth', 'can-i', '--list', '-n', NS, `--as=${SA}`], code: 0, out: /^pods\s+\[\]\s+\[\]\s+\[get list\]$/m, ref: 'kubectl auth can-i --list → SelfSubjectRulesReview' },

  // ------------------------------------------------ impersonation honoured through RBAC
  { args: ['-n', NS, 'get', 'pods', '-o', 'name', `--as=${SA}`], code: 0, out: /^pod\/web-/m, ref: 'the request is authorised as the impersonated ServiceAccount (Role pod-reader)' },
  { http: [['GET', /\/secrets$/, 403]], args: ['-n', NS, 'get', 'secrets', `--as=${SA}`], code: 1, err: /Error from server \(Forbidden\): secrets is forbidden: User "system:serviceaccount:conformance:robot" cannot list resource "secrets" in API group "" in the namespace "conformance"/, ref: 'responsewriters.forbiddenMessage' },
  { args: ['-n', NS, 'delete', 'configmap', 'cm1', `--as=${SA}`], code: 1, err: /configmaps "cm1" is forbidden: User "system:serviceaccount:conformance:robot" cannot delete resource "configmaps" in API group "" in the namespace "conformance"/, ref: 'forbiddenMessage names the object for requests with a name' },
  { args: ['-n', NS, 'get', 'pods', '--token=ops-token'], code: 1, err: /pods is forbidden: User "ops" cannot list resource "pods" in API group "" in the namespace "conformance"/, ref: 'an authenticated user without bindings is forbidden (RBAC)' },
  { http: [['GET', /\/pods$/, 403]], args: ['-n', NS, 'get', 'pods', '--token=ops-token', `--as=${SA}`], code: 1, err: /serviceaccounts "robot" is forbidden: User "ops" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "conformance"/, ref: 'impersonation.go: the caller needs impersonate on the serviceaccount' },
  { args: ['-n', NS, 'get', 'pods', '--token=ops-token', '--as=jane'], code: 1, err: /users "jane" is forbidden: User "ops" cannot impersonate resource "users" in API group "" at the cluster scope/, ref: 'impersonation.go: impersonate on users' },
  { args: ['create', 'clusterrole', 'impersonator', '--verb=impersonate', '--resource=users,groups,serviceaccounts'], code: 0, out: /clusterrole\.rbac\.authorization\.k8s\.io\/impersonator created/, ref: `${DOCS}/reference/access-authn-authz/authentication/#user-impersonation — example impersonator ClusterRole` },
  { args: ['create', 'clusterrolebinding', 'ops-impersonator', '--clusterrole=impersonator', '--user=ops'], code: 0, out: /clusterrolebinding\.rbac\.authorization\.k8s\.io\/ops-impersonator created/, ref: 'kubectl create clusterrolebinding → protobuf ClusterRoleBinding' },
  { args: ['-n', NS, 'get', 'pods', '-o', 'name', '--token=ops-token', `--as=${SA}`], code: 0, out: /^pod\/web-/m, ref: 'allowed impersonation: the request runs with the ServiceAccount’s permissions' },
  { args: ['-n', NS, 'get', 'secrets', '--token=ops-token', `--as=${SA}`], code: 1, err: /User "system:serviceaccount:conformance:robot" cannot list resource "secrets"/, ref: 'the impersonated user’s permissions, not the caller’s, decide' },
  { args: ['-n', NS, 'get', 'pods', '--token=ops-token', '--as=jane', '--as-group=devs'], code: 1, err: /User "jane" cannot list resource "pods"/, ref: 'impersonating a user and group without bindings → Forbidden for that user' },
  { args: ['auth', 'can-i', 'list', 'pods', '-n', NS, '--token=ops-token'], code: 1, out: /^no$/m, ref: 'impersonate does not grant the caller the target’s permissions' },

  // ------------------------------------------------ server-side apply: conflicts and managedFields
  { args: ['-n', NS, 'get', 'deployment', 'web', '--show-managed-fields', '-o', 'jsonpath={.metadata.managedFields[*].manager}/{.metadata.managedFields[*].operation}'], code: 0, out: /^kubectl-create\/Update$/, ref: `${DOCS}/reference/using-api/server-side-apply/#field-management — every create records its manager` },
  { http: [['PATCH', /\/deployments\/web$/, 409]], args: ['apply', '--server-side', '-f', '-'], stdin: deployment('web', 3), code: 1, err: /error: Apply failed with 1 conflict: conflict with "kubectl-create" using apps\/v1: \.spec\.replicas\nPlease review the fields above/, ref: `${DOCS}/reference/using-api/server-side-apply/#conflicts; managedfields/internal/conflict.go getConflictMessage` },
  { args: ['-n', NS, 'get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}'], code: 0, out: /^2$/, ref: 'a conflicting apply changes nothing' },
  { args: ['apply', '--server-side', '-f', '-'], stdin: deployment('web', 2), code: 0, out: /^deployment\.apps\/web serverside-applied$/m, ref: 'applying the live value co-owns the field: no conflict' },
  { args: ['apply', '--server-side', '--force-conflicts', '-f', '-'], stdin: deployment('web', 3), code: 0, out: /serverside-applied/, ref: `${DOCS}/reference/using-api/server-side-apply/#conflicts — force takes ownership` },
  { args: ['-n', NS, 'get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas} {range .metadata.managedFields[*]}{.manager}:{.operation} {end}'], code: 0, out: /^3 kubectl:Apply kubectl-create:Update $/, ref: 'sortEncodedManagedFields: Apply before Update' },
  { args: ['-n', NS, 'label', 'deployment', 'web', 'team=a'], code: 0, out: /deployment\.apps\/web labeled/, ref: 'kubectl label → PATCH with fieldManager=kubectl-label' },
  { args: ['apply', '--server-side', '-f', '-'], stdin: deployment('web', 3, '', '  labels: {team: b}\n'), code: 1, err: /Apply failed with 1 conflict: conflict with "kubectl-label" using apps\/v1: \.metadata\.labels\.team/, ref: 'fieldpath.Path String(): .metadata.labels.team' },
  { args: ['-n', NS, 'scale', 'deployment', 'web', '--replicas=4'], code: 0, out: /deployment\.apps\/web scaled/, ref: 'scale subresource writes .spec.replicas under a manager with subresource "scale"' },
  { args: ['apply', '--server-side', '-f', '-'], stdin: deployment('web', 3), code: 1, err: /conflict with "kubectl" with subresource "scale" using apps\/v1: \.spec\.replicas/, ref: 'conflict.go printManager: `with subresource %q`' },
  { args: ['apply', '--server-side', '-f', '-'], stdin: cm('  a: "1"\n  b: "2"\n'), code: 0, out: /configmap\/settings serverside-applied/, ref: 'server-side apply creates a missing object' },
  { args: ['apply', '--server-side', '-f', '-'], stdin: cm('  a: "1"\n'), code: 0, out: /configmap\/settings serverside-applied/, ref: `${DOCS}/reference/using-api/server-side-apply/#field-management — fields removed from the configuration are removed` },
  { args: ['-n', NS, 'get', 'configmap', 'settings', '-o', 'jsonpath={.data}'], code: 0, out: /^\{"a":"1"\}$/, ref: 'a field only the applier owned is deleted when it stops applying it' },

  // ------------------------------------------------ field validation
  { http: [['POST', /\/deployments$/, 400]], args: ['apply', '-f', '-'], stdin: deployment('strict', 1, '        foo: bar\n'), code: 1, err: /Error from server \(BadRequest\): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec\.template\.spec\.containers\[0\]\.foo"/, ref: `${DOCS}/reference/using-api/api-concepts/#field-validation — kubectl --validate=strict (default) sends fieldValidation=Strict` },
  { args: ['create', '-f', '-'], stdin: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: strict\n  namespace: ${NS}\nfoo: bar\n`, code: 1, err: /ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "foo"/, ref: 'strict decoding error on create' },
  { args: ['apply', '--validate=warn', '-f', '-'], stdin: deployment('strict', 1, '        foo: bar\n'), code: 0, out: /deployment\.apps\/strict created/, err: /Warning: unknown field "spec\.template\.spec\.containers\[0\]\.foo"/, ref: 'fieldValidation=Warn: a 299 Warning header per unknown field; the field is dropped' },
  { args: ['-n', NS, 'get', 'deployment', 'strict', '-o', 'jsonpath={.spec.template.spec.containers[0]}'], code: 0, out: /"name":"nginx"/, not: /foo/, ref: 'unknown fields are not persisted' },
  { args: ['apply', '--validate=false', '-f', '-'], stdin: deployment('strict', 1, '        bar: baz\n'), code: 0, out: /deployment\.apps\/strict (configured|unchanged)/, not: /Warning: unknown field/, ref: 'fieldValidation=Ignore: dropped silently' },
  { args: ['apply', '--server-side', '-f', '-'], stdin: deployment('strict', 1, '        foo: bar\n'), code: 1, err: /failed to create typed patch object \(conformance\/strict; apps\/v1, Kind=Deployment\): \.spec\.template\.spec\.containers\[name="nginx"\]\.foo: field not declared in schema/, ref: 'server-side apply with Strict: structured-merge-diff "field not declared in schema"' },

  // ------------------------------------------------ pod spec immutability (422)
  { args: ['-n', NS, 'run', 'p1', '--image=busybox:1.36', '--restart=Never'], code: 0, out: /^pod\/p1 created$/m, ref: 'kubectl run creates a Pod' },
  { http: [['PATCH', /\/pods\/p1$/, 422]], args: ['-n', NS, 'patch', 'pod', 'p1', '-p', '{"spec":{"containers":[{"name":"p1","command":["sleep","1"]}]}}'], code: 1, err: /The Pod "p1" is invalid: spec: Forbidden: pod updates may not change fields other than `spec\.containers\[\*\]\.image`,`spec\.initContainers\[\*\]\.image`,`spec\.activeDeadlineSeconds`,`spec\.tolerations` \(only additions to existing tolerations\),`spec\.terminationGracePeriodSeconds`/, ref: 'pkg/apis/core/validation ValidatePodUpdate' },
  { args: ['-n', NS, 'patch', 'pod', 'p1', '--type=merge', '-p', '{"spec":{"restartPolicy":"Always"}}'], code: 1, err: /The Pod "p1" is invalid: spec: Forbidden: pod updates may not change fields/, ref: 'restartPolicy is immutable' },
  { args: ['-n', NS, 'set', 'image', 'pod/p1', 'p1=busybox:1.37'], code: 0, out: /pod\/p1 image updated/, ref: 'spec.containers[*].image is mutable' },
  { args: ['-n', NS, 'patch', 'pod', 'p1', '--type=merge', '-p', '{"spec":{"activeDeadlineSeconds":600}}'], code: 0, out: /pod\/p1 patched/, ref: 'activeDeadlineSeconds may be set' },
  { args: ['-n', NS, 'label', 'pod', 'p1', 'quarantine=true'], code: 0, out: /pod\/p1 labeled/, ref: 'metadata stays mutable' },

  // ------------------------------------------------ controllers release pods whose labels stop matching
  {
    args: ['-n', 'shop', 'label', 'pod', 'redis-0', 'app=debug', '--overwrite'], code: 0, out: /pod\/redis-0 labeled/,
    check: (sim) => {
      assert.equal(pod(sim, 'shop', 'redis-0')!.metadata.ownerReferences, undefined, 'released by the StatefulSet');
      assert.equal(podsOf(sim, 'shop', (p) => p.metadata.labels?.app === 'redis').length, 0, 'no replacement: the ordinal name is taken');
    },
    ref: 'controller_ref_manager.go ClaimPods releases non-matching pods; the StatefulSet cannot recreate redis-0 while the name exists',
  },
  { args: ['-n', 'shop', 'get', 'statefulset', 'redis', '-o', 'jsonpath={.status.replicas}'], code: 0, out: /^0$/, ref: 'status.replicas counts the pods the StatefulSet owns' },
  {
    args: ['-n', 'shop', 'label', 'pod', 'redis-0', 'app=redis', '--overwrite'], code: 0, out: /pod\/redis-0 labeled/,
    check: (sim) => assert.equal(pod(sim, 'shop', 'redis-0')!.metadata.ownerReferences?.[0]?.kind, 'StatefulSet', 'matching orphan with the ordinal name is adopted'),
    ref: 'stateful_set.go: orphans that match and are members (isMemberOf) are adopted',
  },
  {
    args: (sim) => {
      daemonPodBefore = podsOf(sim, 'kube-system', (p) => p.metadata.labels?.['k8s-app'] === 'kube-proxy' && p.spec.nodeName === 'sim-worker-1')[0].metadata.name;
      return ['-n', 'kube-system', 'label', 'pod', daemonPodBefore, 'k8s-app=quarantined', '--overwrite'];
    },
    code: 0, out: /labeled/,
    check: (sim) => {
      assert.equal(pod(sim, 'kube-system', daemonPodBefore)!.metadata.ownerReferences, undefined, 'released by the DaemonSet');
      const now = podsOf(sim, 'kube-system', (p) => p.metadata.labels?.['k8s-app'] === 'kube-proxy' && p.spec.nodeName === 'sim-worker-1');
      assert.equal(now.length, 1, 'the DaemonSet made a replacement on the node');
      assert.notEqual(now[0].metadata.name, daemonPodBefore);
    },
    ref: 'daemon_controller.go: released pod no longer counts; the node gets a new daemon pod',
  },
  { args: ['-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=kube-proxy', '--field-selector', 'spec.nodeName=sim-worker-1', '-o', 'name'], code: 0, out: /^pod\/kube-proxy-[a-z0-9]{5}\n$/, ref: 'one daemon pod per eligible node' },

  // ------------------------------------------------ ReplicaSet scale-down picks the pod the real controller would
  { args: ['-n', 'shop', 'annotate', 'pod', 'frontend-7c9d8f6b5d-h2mxq', 'controller.kubernetes.io/pod-deletion-cost=100'], code: 0, out: /annotated/, ref: `${DOCS}/reference/labels-annotations-taints/#pod-deletion-cost` },
  {
    args: ['-n', 'shop', 'scale', 'deployment', 'frontend', '--replicas=2'], code: 0, out: /scaled/,
    check: (sim) => {
      assert.equal(pod(sim, 'shop', 'frontend-7c9d8f6b5d-v4lnc'), undefined, 'doubled up on sim-worker-1 with cost 0 goes first');
      assert.ok(pod(sim, 'shop', 'frontend-7c9d8f6b5d-h2mxq') && pod(sim, 'shop', 'frontend-7c9d8f6b5d-pw8rz'));
    },
    ref: `${DOCS}/concepts/workloads/controllers/replicaset/#scaling-a-replicaset — lower deletion cost, then more replicas on the node`,
  },
  {
    args: ['-n', 'shop', 'scale', 'deployment', 'frontend', '--replicas=1'], code: 0, out: /scaled/,
    check: (sim) => assert.deepEqual(podsOf(sim, 'shop', (p) => p.metadata.labels?.app === 'frontend').map((p) => p.metadata.name), ['frontend-7c9d8f6b5d-h2mxq']),
    ref: 'controller.ActivePodsWithRanks: pod-deletion-cost 0 < 100',
  },
  {
    args: (sim) => {
      released = podsOf(sim, NS, (p) => p.metadata.labels?.app === 'web')[0].metadata.name;
      return ['-n', NS, 'label', 'pod', released, 'app=debug', '--overwrite'];
    },
    code: 0, out: /labeled/,
    check: (sim) => {
      assert.equal(pod(sim, NS, released)!.metadata.ownerReferences, undefined);
      assert.equal(podsOf(sim, NS, (p) => p.metadata.labels?.app === 'web').length, 4, 'the ReplicaSet replaced the released pod');
    },
    ref: 'replica_set.go claimPods: released pod is replaced',
  },

  // ------------------------------------------------ eviction (protobuf policy/v1 Eviction) and cleanup
  { http: [['POST', /\/pods\/[^/]+\/eviction$/, 201]], args: ['drain', 'sim-worker-2', '--ignore-daemonsets', '--delete-emptydir-data', '--force'], code: 0, out: /node\/sim-worker-2 drained/, err: /ignoring DaemonSet-managed Pods/, ref: `${DOCS}/tasks/administer-cluster/safely-drain-node/ — evictions through pods/eviction` },
  { args: ['delete', 'namespace', NS], code: 0, out: /^namespace "conformance" deleted$/m, ref: 'DELETE namespace returns the namespace' },
];

describe('kubectl conformance (real kubectl 1.32 against the simulator)', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ seed: 'demo' });
    sim.users.addToken('ops-token', 'ops');
  });
  after(async () => { await sim.close(); });

  it('has at least 50 kubectl commands with a reference each', () => {
    assert.ok(ROWS.length >= 50, String(ROWS.length));
    for (const r of ROWS) assert.ok(r.ref.length > 10);
  });

  for (const [i, row] of ROWS.entries()) {
    const label = typeof row.args === 'function' ? `(row ${i + 1}, computed args)` : row.args.join(' ');
    it(`${String(i + 1).padStart(2, '0')} kubectl ${label}`, async () => {
      const args = typeof row.args === 'function' ? row.args(sim) : row.args;
      const start = sim.requests.length;
      const r = await kubectl(sim, args, { input: row.stdin });
      const info = `kubectl ${args.join(' ')}\nexit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}\nexpected (${row.ref})`;
      assert.equal(r.code, row.code, info);
      if (row.out) assert.match(r.stdout, row.out, info);
      if (row.err) assert.match(r.stderr, row.err, info);
      if (row.not) assert.doesNotMatch(r.stdout + r.stderr, row.not, info);
      for (const [method, path, status] of row.http ?? []) {
        const seen = sim.requests.slice(start).filter((q) => q.method === method && path.test(q.path));
        assert.ok(seen.some((q) => q.status === status), `${info}\n${method} ${path} → ${status}; saw ${JSON.stringify(seen.map((q) => `${q.path} ${q.status}`))}`);
      }
      row.check?.(sim);
      row.save?.(r.stdout);
    });
  }
});
