/**
 * In-repo Kubernetes API server simulator (see README.md in this folder).
 *
 *   const sim = await startSimulator({ seed: 'demo' });
 *   // kubectl --kubeconfig sim.kubeconfigPath get pods -A
 *   await sim.close();
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TLSSocket } from 'node:tls';
import * as jsyaml from 'js-yaml';
import { WebSocket, WebSocketServer } from 'ws';
import { getPki, Pki } from './certs';
import { applyPodDefaults, Controllers, controllerOf, IpAllocator, randomSuffix, stableJson } from './controllers';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch';
import { decodeK8sProtobuf, ProtobufError, PROTOBUF_CT } from './protobuf';
import { Attributes, authorizeRbac, forbiddenMessage, serviceAccountGroups } from './rbac';
import { conflictMessage, recordApply, recordUpdate, smdPath } from './managed';
import { unknownFields } from './schema';
import {
  ContainerRuntime, defaultLogs, ExecContext, ExecResult, isDistroless, PodRuntime, runCommand, runScript,
} from './runtime';
import {
  ApiError, checkFieldSelector, clone, errors, findType, groupVersion, KObj, matchFields, matchLabelRequirements, nowTimestamp,
  parseFieldSelector, parseLabelSelector, RESOURCE_TYPES, ResourceType, Store, StoreEvent, T, typeForKind, validateObject, verbsOf,
} from './store';
import { demoSeed, SeedData } from './seed';
import { toTable, wantsTable } from './table';

const TABLE_CT = 'application/json;as=Table;v=v1;g=meta.k8s.io';

export type { KObj, ResourceType, PodRuntime, ContainerRuntime, SeedData };
export { Store, T, RESOURCE_TYPES };

// ---------------------------------------------------------------- public types

export interface SimulatorOptions {
  /** 0 (default) = random free port */
  port?: number;
  /** serve HTTPS with a generated CA and client-certificate auth (default true) */
  tls?: boolean;
  /** 'demo' (default), 'empty' (just default/kube-system/kube-public namespaces and nodes), or explicit seed data */
  seed?: 'demo' | 'empty' | SeedData;
  /** where to write the kubeconfig (default: a fresh temp dir, removed on close) */
  kubeconfigPath?: string;
  /** log each request to stderr */
  verbose?: boolean;
  /**
   * 'rbac' (default): like `--authorization-mode=RBAC` — `system:masters` is always allowed, everyone else
   * through the Roles/ClusterRoles and bindings in the store (after the `rbac.deny` hook). 'allow': everyone
   * is allowed except what `rbac.deny` denies.
   */
  authorization?: 'rbac' | 'allow';
}

export interface FaultSpec {
  method?: string;
  /** matched against the request path (without query string) */
  pathRegex?: RegExp | string;
  /** respond with this HTTP status (a Status object body unless `body` is given) */
  status?: number;
  body?: unknown;
  /** wait before responding (or before handling normally if no status/drop) */
  delayMs?: number;
  /** destroy the TCP connection without a response */
  dropConnection?: boolean;
  /** how many requests the fault applies to (default: unlimited) */
  times?: number;
}

export interface FaultHandle { id: number; spec: FaultSpec; hits: number; remove(): void }

export interface FaultInjector {
  inject(spec: FaultSpec): FaultHandle;
  clear(): void;
  readonly active: FaultHandle[];
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  time: string;
  user?: string;
  status?: number;
  /** 'http' | 'websocket' */
  kind: 'http' | 'websocket';
}

export interface DenyRule {
  /** user name (token user "sim-token-user", cert user "sim-cert-user", or any added user); omitted = everyone */
  user?: string;
  /** e.g. ['list', 'watch']; omitted = all verbs */
  verbs?: string[];
  /** plural names, with subresource as "pods/exec"; omitted = all */
  resources?: string[];
  /** API groups ('' = core); omitted = all */
  apiGroups?: string[];
  /** omitted = all namespaces and cluster scope */
  namespaces?: string[];
}

export interface UserInfo { name: string; groups: string[] }

export interface Simulator {
  url: string;
  port: number;
  tls: boolean;
  kubeconfigPath: string;
  /** bearer token of the default (token) user */
  token: string;
  /** CA certificate PEM (TLS only) */
  caCert?: string;
  /** client cert/key PEM of the certificate user (TLS only) */
  clientCert?: { cert: string; key: string; user: string };
  contexts: { token: string; cert?: string };
  writeKubeconfig(path: string, opts?: { context?: 'token' | 'cert' }): string;
  kubeconfigYaml(opts?: { context?: 'token' | 'cert' }): string;
  store: Store;
  faults: FaultInjector;
  requests: RequestLogEntry[];
  rbac: { deny(rule: DenyRule): () => void; clear(): void };
  users: { addToken(token: string, name: string, groups?: string[]): void; removeToken(token: string): void };
  runtime: { setPod(namespace: string, name: string, rt: PodRuntime): void; getPod(namespace: string, name: string): PodRuntime };
  /** Create or replace an object through the normal write path (validation, defaults, controllers). */
  apply(obj: KObj): KObj;
  /** Object by apiVersion/kind, or undefined. */
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KObj | undefined;
  list(apiVersion: string, kind: string, namespace?: string): KObj[];
  /** Run controllers to a fixed point (done automatically after every API write). */
  reconcile(): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- helpers

const TOKEN_USER = 'sim-token-user';

class HttpError extends Error {}

function sendJson(res: http.ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  if (res.headersSent || res.destroyed) return;
  const data = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(data), 'Cache-Control': 'no-cache, private', 'Audit-Id': randomUUID() });
  res.end(data);
}

function sendStatus(res: http.ServerResponse, err: ApiError): void {
  sendJson(res, err.code, err.toStatus());
}

function readBody(req: http.IncomingMessage, limit = 3 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) { reject(new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728')); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function queryObject(u: URL): Record<string, string | string[]> {
  const q: Record<string, string | string[]> = {};
  for (const k of new Set(u.searchParams.keys())) {
    const all = u.searchParams.getAll(k);
    q[k] = all.length > 1 ? all : all[0];
  }
  return q;
}

function isTrue(v: string | null): boolean { return v === 'true' || v === '1'; }

interface Route {
  t: ResourceType;
  namespace?: string;
  name?: string;
  sub?: string;
  watchPath: boolean;
}

/** Parses /api/v1/... and /apis/g/v/... resource paths. Returns undefined for non-resource paths. */
function parseResourcePath(path: string): Route | ApiError | undefined {
  const segs = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 3) { group = ''; version = segs[1]; rest = segs.slice(2); }
  else if (segs[0] === 'apis' && segs.length >= 4) { group = segs[1]; version = segs[2]; rest = segs.slice(3); }
  else return undefined;
  let watchPath = false;
  if (rest[0] === 'watch') { watchPath = true; rest = rest.slice(1); }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const t = findType(group, version, rest[2]);
    if (t && t.namespaced) { namespace = rest[1]; rest = rest.slice(2); }
  }
  const t = findType(group, version, rest[0]);
  if (!t || rest.length > 3) return errors.routeNotFound();
  if (!t.namespaced && namespace) return errors.routeNotFound();
  const r: Route = { t, namespace, name: rest[1], sub: rest[2], watchPath };
  if (r.sub && !(t.subresources ?? []).includes(r.sub)) return errors.routeNotFound();
  return r;
}

function labelSelectorString(sel: KObj | undefined): string {
  if (!sel) return '';
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    if (e.operator === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    if (e.operator === 'Exists') parts.push(e.key);
    if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

function scaleOf(t: ResourceType, o: KObj): KObj {
  return {
    kind: 'Scale', apiVersion: 'autoscaling/v1',
    metadata: { name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp },
    spec: { replicas: o.spec?.replicas ?? 1 },
    status: { replicas: o.status?.replicas ?? 0, selector: labelSelectorString(o.spec?.selector) },
  };
}

function stripListItem(o: KObj): KObj {
  delete o.apiVersion;
  delete o.kind;
  return o;
}

// ---------------------------------------------------------------- server

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const tls = opts.tls ?? true;
  const pki: Pki | undefined = tls ? getPki() : undefined;
  const store = new Store();
  const ips = new IpAllocator();
  const controllers = new Controllers(store, ips);
  const runtimes = new Map<string, PodRuntime>();
  const requests: RequestLogEntry[] = [];
  const tokens = new Map<string, UserInfo>();
  const token = `sim-${randomBytes(18).toString('hex')}`;
  tokens.set(token, { name: TOKEN_USER, groups: ['system:masters', 'system:authenticated'] });
  let denyRules: DenyRule[] = [];
  const faultList: FaultHandle[] = [];
  let faultSeq = 0;
  const sockets = new Set<Socket>();
  const openStreams = new Set<http.ServerResponse>();
  const wsClients = new Set<WebSocket>();
  let closed = false;

  // ------------------------------------------------------------ seed
  const seed: SeedData = opts.seed === 'empty' ? demoSeed({ minimal: true }) : opts.seed === undefined || opts.seed === 'demo' ? demoSeed() : opts.seed;
  for (const o of seed.objects) {
    const t = typeForKind(o.apiVersion, o.kind);
    if (!t) throw new Error(`seed: unknown kind ${o.apiVersion} ${o.kind}`);
    const obj = clone(o);
    obj.metadata = obj.metadata ?? {};
    applyDefaults(t, obj);
    for (const ip of obj.status?.podIPs ?? []) ips.markUsed(ip.ip);
    ips.markUsed(obj.status?.podIP);
    // seeded owner references may name owners by kind/name only: resolve uids
    store.create(t, obj);
  }
  resolveSeedOwnerRefs(store);
  for (const [k, v] of Object.entries(seed.runtime ?? {})) runtimes.set(k, v);
  controllers.reconcile();

  function getRuntime(ns: string, name: string): PodRuntime {
    let r = runtimes.get(`${ns}/${name}`);
    if (!r) { r = {}; runtimes.set(`${ns}/${name}`, r); }
    return r;
  }

  // ------------------------------------------------------------ authn / authz

  function authenticate(req: http.IncomingMessage): UserInfo | undefined {
    const h = req.headers.authorization;
    if (h) {
      const m = /^Bearer\s+(.+)$/i.exec(h);
      return m ? tokens.get(m[1].trim()) : undefined;
    }
    const sock = req.socket as TLSSocket;
    if (tls && sock.authorized) {
      const cert = sock.getPeerCertificate();
      if (cert && cert.subject) {
        const o = cert.subject.O;
        const groups = Array.isArray(o) ? o : o ? [o] : [];
        return { name: String(cert.subject.CN), groups: [...groups, 'system:authenticated'] };
      }
    }
    return undefined;
  }

  /** RBAC from the store (see rbac.ts); throws the apiserver's 403. */
  function authorizeAttributes(user: UserInfo, a: Attributes): void {
    if ((opts.authorization ?? 'rbac') !== 'rbac') return;
    if (authorizeRbac(store, user, a).allowed) return;
    throw new ApiError(403, 'Forbidden', forbiddenMessage(user, a), a.path !== undefined ? undefined : { name: a.name, group: a.apiGroup || undefined, kind: a.resource });
  }

  /**
   * Impersonation (k8s.io/apiserver/pkg/endpoints/filters/impersonation.go): `Impersonate-User`, `-Group`,
   * `-Uid` headers. The requester needs `impersonate` on users / serviceaccounts (for a
   * `system:serviceaccount:<ns>:<name>` user) / groups / uids; the request is then authorised as the
   * impersonated user. A ServiceAccount gets its fixed groups when no group is given; every user but
   * system:anonymous gets `system:authenticated`.
   */
  function impersonate(req: http.IncomingMessage, user: UserInfo): UserInfo {
    const h = (n: string): string[] => { const v = req.headers[n]; return v === undefined ? [] : Array.isArray(v) ? v : String(v).split(',').map((x) => x.trim()); };
    const name = h('impersonate-user')[0];
    const groups = h('impersonate-group');
    const uid = h('impersonate-uid')[0];
    const extras = Object.keys(req.headers).filter((k) => k.startsWith('impersonate-extra-'));
    if (name === undefined) {
      if (groups.length || uid !== undefined || extras.length) throw errors.internal('requested [impersonation headers] without impersonating a user');
      return user;
    }
    const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(name);
    if (sa) authorizeAttributes(user, { verb: 'impersonate', apiGroup: '', resource: 'serviceaccounts', namespace: sa[1], name: sa[2] });
    else authorizeAttributes(user, { verb: 'impersonate', apiGroup: '', resource: 'users', name });
    for (const g of groups) authorizeAttributes(user, { verb: 'impersonate', apiGroup: '', resource: 'groups', name: g });
    if (uid !== undefined) authorizeAttributes(user, { verb: 'impersonate', apiGroup: 'authentication.k8s.io', resource: 'uids', name: uid });
    for (const k of extras) {
      for (const v of h(k)) authorizeAttributes(user, { verb: 'impersonate', apiGroup: 'authentication.k8s.io', resource: 'userextras', subresource: decodeURIComponent(k.slice('impersonate-extra-'.length)), name: v });
    }
    const out = [...groups];
    if (sa && groups.length === 0) out.push(...serviceAccountGroups(name)!);
    if (name !== 'system:anonymous' && !out.includes('system:authenticated')) out.push('system:authenticated');
    return { name, groups: out };
  }

  function authorize(user: UserInfo, verb: string, t: ResourceType, sub: string | undefined, namespace: string | undefined, name: string | undefined): void {
    const resource = sub ? `${t.plural}/${sub}` : t.plural;
    for (const r of denyRules) {
      if (r.user !== undefined && r.user !== user.name) continue;
      if (r.verbs && !r.verbs.includes(verb) && !r.verbs.includes('*')) continue;
      if (r.resources && !r.resources.includes(resource) && !r.resources.includes('*')) continue;
      if (r.apiGroups && !r.apiGroups.includes(t.group)) continue;
      if (r.namespaces && (!namespace || !r.namespaces.includes(namespace))) continue;
      const what = name ? `${t.group ? `${t.plural}.${t.group}` : t.plural} "${name}"` : t.group ? `${t.plural}.${t.group}` : t.plural;
      const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
      const subPart = sub ? `resource "${t.plural}/${sub}"` : `resource "${t.plural}"`;
      throw new ApiError(403, 'Forbidden', `${what} is forbidden: User "${user.name}" cannot ${verb} ${subPart} in API group "${t.group}" ${scope}`, {
        name, group: t.group || undefined, kind: t.plural,
      });
    }
    // the bootstrap ClusterRole system:basic-user lets every authenticated user create self reviews
    if (t.plural.startsWith('selfsubject')) return;
    authorizeAttributes(user, { verb, apiGroup: t.group, resource: t.plural, subresource: sub, namespace, name });
  }

  /** The `rbac.deny` hook on request attributes. */
  function deniedByHook(user: UserInfo, a: Attributes): boolean {
    const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    return denyRules.some((r) => (r.user === undefined || r.user === user.name)
      && (!r.verbs || r.verbs.includes(a.verb) || r.verbs.includes('*'))
      && (!r.resources || r.resources.includes(resource ?? '') || r.resources.includes('*'))
      && (!r.apiGroups || r.apiGroups.includes(a.apiGroup ?? ''))
      && (!r.namespaces || (!!a.namespace && r.namespaces.includes(a.namespace))));
  }

  /**
   * SelfSubjectAccessReview / SelfSubjectRulesReview / SelfSubjectReview (pkg/registry/authorization,
   * pkg/registry/authentication): answered for the (possibly impersonated) requesting user; nothing is stored.
   */
  function selfReview(t: ResourceType, body: KObj, user: UserInfo): KObj {
    checkTypeMeta(t, body);
    const out: KObj = { kind: t.kind, apiVersion: groupVersion(t), metadata: { creationTimestamp: null } };
    if (t.plural === 'selfsubjectreviews') return { ...out, status: { userInfo: { username: user.name, groups: user.groups } } };
    const spec = body.spec ?? {};
    if (t.plural === 'selfsubjectrulesreviews') {
      const resourceRules: KObj[] = [];
      const nonResourceRules: KObj[] = [];
      const add = (rules: KObj[] | undefined) => {
        for (const r of rules ?? []) {
          if (r.nonResourceURLs?.length) nonResourceRules.push({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs });
          else resourceRules.push({ verbs: r.verbs, ...(r.apiGroups ? { apiGroups: r.apiGroups } : {}), ...(r.resources ? { resources: r.resources } : {}), ...(r.resourceNames ? { resourceNames: r.resourceNames } : {}) });
        }
      };
      const matches = (subs: KObj[] | undefined, bns?: string) => (subs ?? []).some((x) => (x.kind === 'User' && x.name === user.name) || (x.kind === 'Group' && user.groups.includes(x.name))
        || (x.kind === 'ServiceAccount' && user.name === `system:serviceaccount:${x.namespace || bns}:${x.name}`));
      const cr = (n: string) => store.peek(T('clusterroles', 'rbac.authorization.k8s.io')).find((r) => r.metadata.name === n);
      for (const b of store.peek(T('clusterrolebindings', 'rbac.authorization.k8s.io'))) if (matches(b.subjects)) add(cr(b.roleRef?.name)?.rules);
      if (spec.namespace) {
        for (const b of store.peek(T('rolebindings', 'rbac.authorization.k8s.io'), spec.namespace)) {
          if (!matches(b.subjects, spec.namespace)) continue;
          add(b.roleRef?.kind === 'Role' ? store.get(T('roles', 'rbac.authorization.k8s.io'), spec.namespace, b.roleRef.name)?.rules : cr(b.roleRef?.name)?.rules);
        }
      }
      // kubectl shows the discovery/basic-user rules every authenticated user has
      resourceRules.push({ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] });
      resourceRules.push({ verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] });
      return { ...out, spec, status: { resourceRules, nonResourceRules, incomplete: false } };
    }
    const ra = spec.resourceAttributes;
    const nra = spec.nonResourceAttributes;
    if (!!ra === !!nra) {
      throw errors.invalid('SelfSubjectAccessReview', '', [{ reason: 'FieldValueInvalid', field: 'spec.resourceAttributes', message: `Invalid value: ${ra ? '"resourceAttributes"' : '"null"'}: exactly one of nonResourceAttributes or resourceAttributes must be specified` }], 'authorization.k8s.io');
    }
    const a: Attributes = ra
      ? { verb: ra.verb ?? '', apiGroup: ra.group ?? '', resource: ra.resource ?? '', subresource: ra.subresource || undefined, namespace: ra.namespace || undefined, name: ra.name || undefined }
      : { verb: nra.verb ?? '', path: nra.path ?? '' };
    let status: KObj;
    if (deniedByHook(user, a)) status = { allowed: false };
    else if ((opts.authorization ?? 'rbac') !== 'rbac') status = { allowed: true };
    else {
      const d = authorizeRbac(store, user, a);
      status = d.allowed ? { allowed: true, ...(d.reason ? { reason: d.reason } : {}) } : { allowed: false };
    }
    return { ...out, spec, status };
  }

  // ------------------------------------------------------------ faults

  function matchFault(method: string, path: string): FaultHandle | undefined {
    for (const f of faultList) {
      if (f.spec.method && f.spec.method.toUpperCase() !== method.toUpperCase()) continue;
      if (f.spec.pathRegex !== undefined) {
        const re = typeof f.spec.pathRegex === 'string' ? new RegExp(f.spec.pathRegex) : f.spec.pathRegex;
        if (!re.test(path)) continue;
      }
      if (f.spec.times !== undefined && f.hits >= f.spec.times) continue;
      f.hits++;
      return f;
    }
    return undefined;
  }

  /** Returns true if the fault fully handled (responded to / dropped) the request. */
  async function applyFault(f: FaultHandle, res: http.ServerResponse | undefined, socket: Socket): Promise<boolean> {
    if (f.spec.delayMs) await new Promise((r) => setTimeout(r, f.spec.delayMs));
    if (f.spec.dropConnection) { socket.destroy(); return true; }
    if (f.spec.status) {
      const body = f.spec.body ?? new ApiError(f.spec.status, f.spec.status === 429 ? 'TooManyRequests' : f.spec.status >= 500 ? 'InternalError' : 'BadRequest', `injected fault: HTTP ${f.spec.status}`).toStatus();
      if (res) {
        if (typeof body === 'string') { res.writeHead(f.spec.status, { 'Content-Type': 'text/plain' }); res.end(body); }
        else sendJson(res, f.spec.status, body);
      } else {
        const data = typeof body === 'string' ? body : JSON.stringify(body);
        socket.end(`HTTP/1.1 ${f.spec.status} Injected\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(data)}\r\nConnection: close\r\n\r\n${data}`);
      }
      return true;
    }
    return false;
  }

  // ------------------------------------------------------------ discovery

  const groupsMap = new Map<string, string[]>();
  for (const t of RESOURCE_TYPES) {
    if (!t.group) continue;
    const vs = groupsMap.get(t.group) ?? [];
    if (!vs.includes(t.version)) vs.push(t.version);
    groupsMap.set(t.group, vs);
  }
  function apiGroup(name: string): KObj {
    const versions = (groupsMap.get(name) ?? []).map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
    return { name, versions, preferredVersion: versions[0] };
  }
  function resourceList(group: string, version: string): KObj | undefined {
    const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version);
    if (!types.length) return undefined;
    const resources: KObj[] = [];
    for (const t of types) {
      const r: KObj = { name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: verbsOf(t) };
      if (t.shortNames) r.shortNames = t.shortNames;
      if (t.categories) r.categories = t.categories;
      resources.push(r);
      for (const s of t.subresources ?? []) {
        const sr: KObj = { name: `${t.plural}/${s}`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] };
        if (s === 'log') sr.verbs = ['get'], sr.kind = 'Pod';
        if (s === 'exec') sr.kind = 'PodExecOptions', sr.verbs = ['create', 'get'];
        if (s === 'scale') Object.assign(sr, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
        if (s === 'eviction') Object.assign(sr, { group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
        if (s === 'binding') Object.assign(sr, { kind: 'Binding', verbs: ['create'] });
        if (s === 'token') Object.assign(sr, { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] });
        if (s === 'finalize') sr.verbs = ['update'];
        resources.push(sr);
      }
    }
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
  }

  /**
   * Minimal OpenAPI v3 document for one group/version: paths with operations and
   * their x-kubernetes-group-version-kind, including the `fieldValidation` query
   * parameter on PATCH so kubectl uses server-side validation. No schemas.
   */
  function openapiV3(gvPath: string): KObj | undefined {
    const [group, version] = gvPath === 'api/v1' ? ['', 'v1'] : gvPath.split('/').slice(1);
    const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version);
    if (!types.length) return undefined;
    const q = (name: string) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });
    const writeParams = [q('dryRun'), q('fieldManager'), q('fieldValidation'), q('pretty')];
    const paths: KObj = {};
    for (const t of types) {
      const gvk = { group: t.group, version: t.version, kind: t.kind };
      const base = `/${gvPath}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}`;
      const op = (action: string, params: KObj[] = []) => ({
        operationId: `${action}${t.kind}`, 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk, parameters: params,
        responses: { 200: { description: 'OK' }, 401: { description: 'Unauthorized' } },
      });
      paths[base] = { get: op('list', [q('labelSelector'), q('fieldSelector'), q('limit'), q('watch')]), post: op('post', writeParams) };
      paths[`${base}/{name}`] = { get: op('get'), put: op('put', writeParams), patch: op('patch', [...writeParams, q('force')]), delete: op('delete', [q('dryRun'), q('gracePeriodSeconds'), q('propagationPolicy')]) };
    }
    return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas: {} } };
  }

  function discovery(path: string, res: http.ServerResponse, host: string): boolean {
    if (path === '/version') {
      sendJson(res, 200, { major: '1', minor: '32', gitVersion: 'v1.32.0-k8s-guardrails-sim', gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean', buildDate: '2024-12-11T00:00:00Z', goVersion: 'go1.23.4', compiler: 'gc', platform: 'linux/amd64' });
      return true;
    }
    if (path === '/api') { sendJson(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }] }); return true; }
    if (path === '/apis') { sendJson(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [...groupsMap.keys()].map(apiGroup) }); return true; }
    const m = /^\/apis\/([^/]+)$/.exec(path);
    if (m && groupsMap.has(m[1])) { sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(m[1]) }); return true; }
    const mv = /^\/api\/(v1)$/.exec(path) ?? /^\/apis\/([^/]+\/[^/]+)$/.exec(path);
    if (mv) {
      const gv = path.startsWith('/api/') ? ['', 'v1'] : mv[1].split('/');
      const rl = resourceList(gv[0], gv[1]);
      if (rl) { sendJson(res, 200, rl); return true; }
    }
    if (path === '/openapi/v3') {
      const paths: KObj = {};
      for (const gv of new Set(RESOURCE_TYPES.map((t) => (t.group ? `apis/${t.group}/${t.version}` : 'api/v1')))) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=SIM${gv.replace(/[^a-z0-9]/gi, '').toUpperCase()}` };
      sendJson(res, 200, { paths });
      return true;
    }
    const mo = /^\/openapi\/v3\/(api\/v1|apis\/[^/]+\/[^/]+)$/.exec(path);
    if (mo) {
      const doc = openapiV3(mo[1]);
      if (doc) { sendJson(res, 200, doc); return true; }
    }
    if (path === '/openapi/v2' || path.startsWith('/openapi/')) {
      // OpenAPI v2 is not served: kubectl uses the v3 documents (which declare server-side field validation)
      sendStatus(res, errors.routeNotFound());
      return true;
    }
    return false;
  }

  // ------------------------------------------------------------ write path

  function assertNamespaceExists(ns: string): void {
    if (!store.get(T('namespaces'), undefined, ns)) throw new ApiError(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' });
  }

  function checkTypeMeta(t: ResourceType, body: KObj): void {
    if (body.apiVersion && body.apiVersion !== groupVersion(t)) {
      // the real server accepts other served versions of the same group/kind; we only serve one
      throw errors.badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${groupVersion(t)})`);
    }
    if (body.kind && body.kind !== t.kind) throw errors.badRequest(`the kind in the data (${body.kind}) does not match the expected kind (${t.kind})`);
  }

  function serviceDefaults(svc: KObj): void {
    const s = svc.spec ?? (svc.spec = {});
    s.type = s.type ?? 'ClusterIP';
    s.sessionAffinity = s.sessionAffinity ?? 'None';
    if (s.type !== 'ExternalName') {
      if (!s.clusterIP) {
        const used = new Set(store.list(T('services')).map((x) => x.spec?.clusterIP));
        let ip: string;
        do { const n = 10 + Math.floor(Math.random() * 60000); ip = `10.96.${n >> 8}.${n & 255}`; } while (used.has(ip));
        s.clusterIP = ip;
      }
      s.clusterIPs = s.clusterIPs ?? [s.clusterIP];
      s.ipFamilies = s.ipFamilies ?? [s.clusterIP !== 'None' && s.clusterIP.includes(':') ? 'IPv6' : 'IPv4'];
      s.ipFamilyPolicy = s.ipFamilyPolicy ?? 'SingleStack';
      s.internalTrafficPolicy = s.internalTrafficPolicy ?? 'Cluster';
    }
    for (const p of s.ports ?? []) { p.protocol = p.protocol ?? 'TCP'; p.targetPort = p.targetPort ?? p.port; }
    svc.status = svc.status ?? { loadBalancer: {} };
  }

  function applyDefaults(t: ResourceType, o: KObj): void {
    if (t.plural === 'pods') applyPodDefaults(o);
    if (t.plural === 'services') serviceDefaults(o);
    if (['deployments', 'replicasets', 'statefulsets'].includes(t.plural)) {
      o.spec = o.spec ?? {};
      o.spec.replicas = o.spec.replicas ?? 1;
      if (t.plural === 'deployments') {
        if (!o.spec.strategy?.type) o.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } };
        o.spec.revisionHistoryLimit = o.spec.revisionHistoryLimit ?? 10;
        o.spec.progressDeadlineSeconds = o.spec.progressDeadlineSeconds ?? 600;
      }
    }
    for (const k of ['deployments', 'replicasets', 'daemonsets', 'statefulsets', 'jobs']) {
      if (t.plural === k && o.spec?.template?.spec) applyPodDefaults(o.spec.template);
    }
    if (t.plural === 'secrets' && !o.type) o.type = 'Opaque';
    if (t.plural === 'namespaces') {
      o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name };
      if (!o.spec?.finalizers?.length) o.spec = { ...(o.spec ?? {}), finalizers: ['kubernetes'] };
      o.status = { phase: 'Active' };
    }
  }

  /**
   * The API request being served (absent for `sim.apply()` and controllers): its field manager, field
   * validation directive, `force`, the server-side apply configuration, and the warnings to send back.
   */
  interface WriteContext { manager: string; validation: string; force: boolean; applyConfig?: KObj; warnings: string[] }
  let writeCtx: WriteContext | undefined;

  const hasStatusSub = (t: ResourceType) => (t.subresources ?? []).includes('status');

  /**
   * Strict/Warn/Ignore field validation (the apiserver's strict decoding). Unknown fields are an error with
   * Strict, a `Warning` header with Warn (the default), and are dropped from the object unless Strict.
   */
  function checkFields(t: ResourceType, obj: KObj, how: 'create' | 'update' | 'patch' | 'apply', target?: string): void {
    if (!writeCtx) return;
    const unknown = unknownFields(t.group, t.kind, obj);
    if (!unknown.length) return;
    if (writeCtx.validation === 'Strict') {
      if (how === 'apply') {
        const list = unknown.map((p) => `${smdPath(obj, p)}: field not declared in schema`);
        throw errors.badRequest(`failed to create typed patch object (${target}; ${groupVersion(t)}, Kind=${t.kind}): ${list.length === 1 ? list[0] : `errors:\n  ${list.join('\n  ')}`}`);
      }
      const why = `strict decoding error: ${unknown.map((p) => `unknown field "${p}"`).join(', ')}`;
      throw errors.badRequest(how === 'patch' ? why : `${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: ${why}`);
    }
    if (writeCtx.validation !== 'Ignore') for (const p of unknown) writeCtx.warnings.push(`unknown field "${p}"`);
    for (const p of unknown) {
      const parts = p.split('.').flatMap((x) => x.split(/\[(\d+)\]/).filter(Boolean));
      let node: KObj | undefined = obj;
      for (const k of parts.slice(0, -1)) node = node?.[k];
      if (node && typeof node === 'object') delete node[parts[parts.length - 1]];
    }
  }

  /** managedFields bookkeeping for a create/update through the API (not for status and other subresources). */
  function manage(t: ResourceType, before: KObj | undefined, after: KObj): void {
    if (!writeCtx) return;
    if (writeCtx.applyConfig) {
      const conflicts = recordApply(before, writeCtx.applyConfig, after, writeCtx.manager, groupVersion(t), writeCtx.force, hasStatusSub(t));
      if (conflicts.length) {
        throw new ApiError(409, 'Conflict', conflictMessage(conflicts), {
          name: after.metadata.name, group: t.group || undefined, kind: t.plural,
          causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${c.manager}`, field: c.path })),
        });
      }
    } else recordUpdate(before, after, writeCtx.manager, groupVersion(t), hasStatusSub(t));
  }

  const POD_UPDATE_FORBIDDEN = 'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,'
    + '`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

  /** ValidatePodUpdate (pkg/apis/core/validation): everything but the mutable fields must stay as it is. */
  function checkPodUpdate(existing: KObj, next: KObj): void {
    const a = clone(existing.spec ?? {});
    const b = clone(next.spec ?? {});
    for (const k of ['containers', 'initContainers']) {
      const olds: KObj[] = a[k] ?? [];
      (b[k] ?? []).forEach((c: KObj, i: number) => { if (olds[i]) c.image = olds[i].image; });
    }
    const ad = b.activeDeadlineSeconds;
    if (ad !== undefined && (a.activeDeadlineSeconds === undefined || ad <= a.activeDeadlineSeconds) && ad > 0) b.activeDeadlineSeconds = a.activeDeadlineSeconds;
    const oldTol: KObj[] = a.tolerations ?? [];
    const newTol: KObj[] = b.tolerations ?? [];
    if (oldTol.every((x) => newTol.some((y) => JSON.stringify(x) === JSON.stringify(y)))) b.tolerations = a.tolerations;
    if (a.terminationGracePeriodSeconds !== undefined && a.terminationGracePeriodSeconds < 0 && b.terminationGracePeriodSeconds === 1) b.terminationGracePeriodSeconds = a.terminationGracePeriodSeconds;
    for (const o of [a, b]) for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
    if (stableJson(a) !== stableJson(b)) {
      throw errors.invalid('Pod', existing.metadata.name, [{ reason: 'FieldValueForbidden', field: 'spec', message: POD_UPDATE_FORBIDDEN }]);
    }
  }

  function doCreate(t: ResourceType, ns: string | undefined, body: KObj, dryRun: boolean): KObj {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw errors.badRequest('the body of the request was in an unknown format');
    checkTypeMeta(t, body);
    const o = clone(body);
    if (!writeCtx?.applyConfig) checkFields(t, o, 'create');
    o.apiVersion = groupVersion(t);
    o.kind = t.kind;
    o.metadata = o.metadata ?? {};
    if (t.namespaced) {
      if (o.metadata.namespace && ns && o.metadata.namespace !== ns) throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      o.metadata.namespace = ns ?? o.metadata.namespace;
      if (!o.metadata.namespace) throw errors.badRequest('namespace is required');
      assertNamespaceExists(o.metadata.namespace);
    } else delete o.metadata.namespace;
    if (!o.metadata.name && o.metadata.generateName) {
      for (let i = 0; i < 10; i++) {
        const n = `${o.metadata.generateName}${randomSuffix()}`;
        if (!store.get(t, o.metadata.namespace, n)) { o.metadata.name = n; break; }
      }
    }
    delete o.metadata.resourceVersion;
    delete o.metadata.uid;
    delete o.metadata.creationTimestamp;
    delete o.metadata.deletionTimestamp;
    delete o.metadata.managedFields;
    if (t.plural === 'pods') delete o.status;
    applyDefaults(t, o);
    validateObject(t, o);
    if (store.get(t, o.metadata.namespace, o.metadata.name)) throw errors.alreadyExists(t, o.metadata.name);
    manage(t, undefined, o);
    if (dryRun) {
      o.metadata.uid = randomUUID();
      o.metadata.creationTimestamp = nowTimestamp();
      o.metadata.generation = 1;
      return o;
    }
    const created = store.create(t, o);
    controllers.reconcile();
    return store.get(t, created.metadata.namespace, created.metadata.name) ?? created;
  }

  function commitUpdate(t: ResourceType, existing: KObj, next: KObj, sub: string | undefined, dryRun: boolean): KObj {
    next.apiVersion = groupVersion(t);
    next.kind = t.kind;
    next.metadata = next.metadata ?? {};
    // identity is taken from the stored object
    next.metadata.name = existing.metadata.name;
    if (t.namespaced) next.metadata.namespace = existing.metadata.namespace;
    next.metadata.uid = existing.metadata.uid;
    next.metadata.creationTimestamp = existing.metadata.creationTimestamp;
    next.metadata.resourceVersion = existing.metadata.resourceVersion;
    if (existing.metadata.managedFields) next.metadata.managedFields = clone(existing.metadata.managedFields);
    else delete next.metadata.managedFields;
    const hasStatus = (t.subresources ?? []).includes('status');
    let result: KObj;
    if (sub === 'status') {
      result = { ...clone(existing), status: next.status };
    } else if (sub === 'ephemeralcontainers') {
      result = clone(existing);
      result.spec.ephemeralContainers = next.spec?.ephemeralContainers ?? [];
      const before: KObj[] = existing.spec.ephemeralContainers ?? [];
      for (const b of before) {
        const now = result.spec.ephemeralContainers.find((c: KObj) => c.name === b.name);
        if (!now || JSON.stringify(now) !== JSON.stringify(b)) {
          throw errors.invalid('Pod', existing.metadata.name, [{ reason: 'FieldValueForbidden', field: 'spec.ephemeralContainers', message: 'Forbidden: existing ephemeral containers may not be changed or removed' }]);
        }
      }
      for (const c of result.spec.ephemeralContainers) {
        c.terminationMessagePath = c.terminationMessagePath ?? '/dev/termination-log';
        c.terminationMessagePolicy = c.terminationMessagePolicy ?? 'File';
        c.imagePullPolicy = c.imagePullPolicy ?? 'IfNotPresent';
        c.resources = c.resources ?? {};
      }
    } else {
      result = next;
      if (hasStatus) result.status = existing.status;
      if (t.plural === 'pods') {
        result.spec = { ...result.spec, ephemeralContainers: existing.spec.ephemeralContainers };
        if (!result.spec.ephemeralContainers) delete result.spec.ephemeralContainers;
        // the scheduler owns nodeName once set
        if (existing.spec.nodeName) result.spec.nodeName = existing.spec.nodeName;
      }
      applyDefaults(t, result);
    }
    validateObject(t, result);
    if (t.plural === 'pods' && !sub) checkPodUpdate(existing, result);
    if (!sub) manage(t, existing, result);
    if (dryRun) return result;
    const updated = store.update(t, result);
    controllers.reconcile();
    return store.get(t, updated.metadata.namespace, updated.metadata.name) ?? updated;
  }

  function doUpdate(t: ResourceType, ns: string | undefined, name: string, sub: string | undefined, body: KObj, dryRun: boolean): KObj {
    if (typeof body !== 'object' || body === null) throw errors.badRequest('the body of the request was in an unknown format');
    if (sub === 'scale') return doScale(t, ns, name, (s) => { checkRV(t, name, body.metadata?.resourceVersion, s.metadata.resourceVersion); return { ...s, spec: body.spec ?? s.spec }; }, dryRun);
    checkTypeMeta(t, body);
    if (body.metadata?.name && body.metadata.name !== name) throw errors.badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    if (t.namespaced && body.metadata?.namespace && body.metadata.namespace !== ns) throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    const existing = store.get(t, ns, name);
    if (!existing) {
      throw errors.notFound(t, name); // create-on-update is not allowed for the built-in resources we serve
    }
    checkRV(t, name, body.metadata?.resourceVersion, existing.metadata.resourceVersion);
    const next = clone(body);
    if (!sub) checkFields(t, next, 'update');
    return commitUpdate(t, existing, next, sub, dryRun);
  }

  function checkRV(t: ResourceType, name: string, want: string | undefined, have: string): void {
    if (want !== undefined && want !== null && want !== '' && String(want) !== String(have)) throw errors.conflict(t, name);
  }

  function doScale(t: ResourceType, ns: string | undefined, name: string, fn: (scale: KObj) => KObj, dryRun: boolean): KObj {
    const existing = store.get(t, ns, name);
    if (!existing) throw errors.notFound(t, name);
    const next = fn(scaleOf(t, existing));
    const replicas = next.spec?.replicas;
    if (typeof replicas !== 'number' || replicas < 0 || !Number.isInteger(replicas)) {
      throw errors.invalid('Scale', name, [{ field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` }], 'autoscaling');
    }
    const obj = clone(existing);
    obj.spec.replicas = replicas;
    // the scale subresource's manager owns .spec.replicas (entry with subresource "scale")
    if (writeCtx && replicas !== existing.spec?.replicas) recordUpdate(existing, obj, writeCtx.manager, groupVersion(t), hasStatusSub(t), 'scale');
    if (dryRun) return scaleOf(t, obj);
    store.update(t, obj);
    controllers.reconcile();
    return scaleOf(t, store.get(t, ns, name)!);
  }

  function doPatch(t: ResourceType, ns: string | undefined, name: string, sub: string | undefined, contentType: string, raw: Buffer, q: URLSearchParams, dryRun: boolean): { code: number; obj: KObj } {
    const ct = contentType.split(';')[0].trim().toLowerCase();
    let patch: unknown;
    try {
      if (ct === 'application/apply-patch+yaml' || ct === 'application/apply-patch+cbor') patch = jsyaml.load(raw.toString('utf8'));
      else patch = JSON.parse(raw.toString('utf8') || 'null');
    } catch (e) {
      throw errors.badRequest(`error decoding patch: ${(e as Error).message}`);
    }
    const apply = (doc: KObj): KObj => {
      switch (ct) {
        case 'application/merge-patch+json': return mergePatch(doc, patch) as KObj;
        case 'application/strategic-merge-patch+json': return strategicMergePatch(doc, patch) as KObj;
        case 'application/json-patch+json': return jsonPatch(doc, patch) as KObj;
        case 'application/apply-patch+yaml': {
          if (!q.get('fieldManager')) throw errors.badRequest('PATCH requests with content type application/apply-patch+yaml must specify a fieldManager query parameter');
          return strategicMergePatch(doc, patch) as KObj;
        }
        default: throw errors.unsupportedMediaType(contentType);
      }
    };
    if (!['application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json', 'application/apply-patch+yaml'].includes(ct)) throw errors.unsupportedMediaType(contentType);
    if (sub === 'scale') return { code: 200, obj: doScale(t, ns, name, (s) => apply(s), dryRun) };
    if (ct === 'application/apply-patch+yaml' && !sub && writeCtx) {
      if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw errors.badRequest('error decoding YAML: the apply configuration must be an object');
      checkFields(t, patch as KObj, 'apply', ns ? `${ns}/${name}` : name);
      writeCtx.applyConfig = clone(patch as KObj);
    }
    const existing = store.get(t, ns, name);
    if (!existing) {
      if (ct === 'application/apply-patch+yaml' && !sub) {
        const body = patch as KObj;
        body.metadata = { ...(body.metadata ?? {}), name };
        return { code: 201, obj: doCreate(t, ns, body, dryRun) };
      }
      throw errors.notFound(t, name);
    }
    const patched = apply(clone(existing));
    if (typeof patched !== 'object' || patched === null) throw errors.badRequest('patch produced a non-object');
    if (!sub && ct !== 'application/apply-patch+yaml') checkFields(t, patched, 'patch');
    checkRV(t, name, patched.metadata?.resourceVersion, existing.metadata.resourceVersion);
    if (patched.metadata?.name !== undefined && patched.metadata.name !== name) {
      throw errors.invalid(t.kind, name, [{ field: 'metadata.name', message: `Invalid value: "${patched.metadata.name}": field is immutable` }], t.group);
    }
    return { code: 200, obj: commitUpdate(t, existing, patched, sub, dryRun) };
  }

  function deleteOne(t: ResourceType, ns: string | undefined, name: string, options: KObj, dryRun: boolean): KObj {
    const existing = store.get(t, ns, name);
    if (!existing) throw errors.notFound(t, name);
    const pre = options.preconditions ?? {};
    if (pre.uid && pre.uid !== existing.metadata.uid) {
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${t.plural} "${name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid}`, { name, kind: t.plural });
    }
    checkRV(t, name, pre.resourceVersion, existing.metadata.resourceVersion);
    const grace = options.gracePeriodSeconds;
    if (grace !== undefined && (typeof grace !== 'number' || grace < 0)) throw errors.badRequest('gracePeriodSeconds must be a non-negative integer');
    const propagation = options.propagationPolicy ?? (options.orphanDependents === true ? 'Orphan' : undefined);
    if (propagation && !['Orphan', 'Background', 'Foreground'].includes(propagation)) {
      throw errors.invalid('DeleteOptions', '', [{ field: 'propagationPolicy', message: `Unsupported value: "${propagation}": supported values: "Foreground", "Background", "Orphan", "nil"` }]);
    }
    const result = clone(existing);
    if (dryRun) return result;
    if (propagation === 'Orphan') {
      for (const dt of store.allTypes()) {
        for (const d of store.list(dt)) {
          const refs: KObj[] = d.metadata.ownerReferences ?? [];
          if (refs.some((r) => r.uid === existing.metadata.uid)) {
            d.metadata.ownerReferences = refs.filter((r) => r.uid !== existing.metadata.uid);
            if (!d.metadata.ownerReferences.length) delete d.metadata.ownerReferences;
            store.update(dt, d);
          }
        }
      }
    }
    if (t.plural === 'namespaces') {
      for (const dt of store.allTypes()) if (dt.namespaced) for (const o of store.list(dt, name)) store.delete(dt, name, o.metadata.name);
      runtimesDeleteNs(name);
    }
    store.delete(t, ns, name);
    if (t.plural === 'pods') runtimes.delete(`${ns}/${name}`);
    controllers.reconcile();
    result.metadata.deletionTimestamp = nowTimestamp();
    if (t.plural === 'pods') result.metadata.deletionGracePeriodSeconds = typeof grace === 'number' ? grace : existing.spec.terminationGracePeriodSeconds ?? 30;
    if (t.plural === 'namespaces') result.status = { phase: 'Terminating' };
    return result;
  }

  function runtimesDeleteNs(ns: string): void {
    for (const k of [...runtimes.keys()]) if (k.startsWith(`${ns}/`)) runtimes.delete(k);
  }

  function deleteResponse(t: ResourceType, o: KObj, dryRun: boolean): KObj {
    if (t.plural === 'pods' || t.plural === 'namespaces' || dryRun) return o;
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: o.metadata.name, group: t.group || undefined, kind: t.plural, uid: o.metadata.uid } };
  }

  // ------------------------------------------------------------ reads

  function filtered(t: ResourceType, ns: string | undefined, q: URLSearchParams): KObj[] {
    const ls = parseLabelSelector(q.get('labelSelector') ?? '');
    const fs = parseFieldSelector(q.get('fieldSelector') ?? '');
    checkFieldSelector(t, fs);
    return store.list(t, ns).filter((o) => matchLabelRequirements(ls, o.metadata.labels) && matchFields(fs, o));
  }

  function doList(t: ResourceType, ns: string | undefined, q: URLSearchParams): KObj {
    let items = filtered(t, ns, q);
    const rv = String(store.resourceVersion);
    const meta: KObj = { resourceVersion: rv };
    const limit = Number(q.get('limit') ?? 0);
    const cont = q.get('continue');
    let start = 0;
    if (cont) {
      try {
        const c = JSON.parse(Buffer.from(cont, 'base64').toString('utf8'));
        start = Number(c.start) || 0;
      } catch {
        throw errors.badRequest('continue key is not valid: illegal base64 data');
      }
    }
    if (limit > 0 || start > 0) {
      const total = items.length;
      const end = limit > 0 ? start + limit : total;
      items = items.slice(start, end);
      if (end < total) {
        meta.continue = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: end })).toString('base64');
        meta.remainingItemCount = total - end;
      }
    }
    return { kind: `${t.kind}List`, apiVersion: groupVersion(t), metadata: meta, items: items.map(stripListItem) };
  }

  function doWatch(t: ResourceType, ns: string | undefined, nameFilter: string | undefined, q: URLSearchParams, req: http.IncomingMessage, res: http.ServerResponse): void {
    const ls = parseLabelSelector(q.get('labelSelector') ?? '');
    const fs = parseFieldSelector(q.get('fieldSelector') ?? '');
    if (nameFilter) fs.push({ path: 'metadata.name', op: '=', value: nameFilter });
    checkFieldSelector(t, fs);
    const matches = (o: KObj) => (!ns || !t.namespaced || o.metadata.namespace === ns) && matchLabelRequirements(ls, o.metadata.labels) && matchFields(fs, o);
    const rvParam = q.get('resourceVersion');
    const seen = new Set<string>();
    const keyOf = (o: KObj) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const initial: Array<{ type: string; object: KObj }> = [];
    const current = store.list(t, ns).filter(matches);
    for (const o of current) seen.add(keyOf(o));
    if (!rvParam || rvParam === '0' || isTrue(q.get('sendInitialEvents'))) {
      for (const o of current) initial.push({ type: 'ADDED', object: o });
    } else {
      const evs = store.eventsSince(Number(rvParam));
      if (!evs) {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
        res.end(JSON.stringify({ type: 'ERROR', object: errors.gone(`too old resource version: ${rvParam} (${store.resourceVersion})`).toStatus() }) + '\n');
        return;
      }
      for (const e of evs) {
        if (e.t.group !== t.group || e.t.plural !== t.plural) continue;
        if (matches(e.object)) initial.push({ type: e.type, object: e.object });
      }
    }
    res.writeHead(200, { 'Content-Type': wantsTable(req.headers.accept) ? TABLE_CT : 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();
    openStreams.add(res);
    const table = wantsTable(req.headers.accept);
    const write = (type: string, object: KObj) => {
      object.apiVersion = groupVersion(t);
      object.kind = t.kind;
      const out = table && type !== 'BOOKMARK' ? toTable(t, [object], { resourceVersion: object.metadata.resourceVersion }, q.get('includeObject')) : object;
      res.write(JSON.stringify({ type, object: out }) + '\n');
    };
    for (const e of initial) write(e.type, e.object);
    if (isTrue(q.get('sendInitialEvents')) && isTrue(q.get('allowWatchBookmarks'))) {
      write('BOOKMARK', { kind: t.kind, apiVersion: groupVersion(t), metadata: { resourceVersion: String(store.resourceVersion), annotations: { 'k8s.io/initial-events-end': 'true' } } });
    }
    const unsub = store.subscribe((e: StoreEvent) => {
      if (e.t.group !== t.group || e.t.plural !== t.plural) return;
      if (ns && t.namespaced && e.object.metadata.namespace !== ns) return;
      const k = keyOf(e.object);
      const m = matches(e.object);
      if (e.type === 'DELETED') { if (seen.delete(k) || m) write('DELETED', clone(e.object)); return; }
      if (m) { write(seen.has(k) ? 'MODIFIED' : 'ADDED', clone(e.object)); seen.add(k); }
      else if (seen.delete(k)) write('DELETED', clone(e.object));
    });
    const timeout = Number(q.get('timeoutSeconds') ?? 0);
    const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
    const cleanup = () => { unsub(); if (timer) clearTimeout(timer); openStreams.delete(res); };
    res.on('close', cleanup);
    req.on('close', cleanup);
  }

  function podAndContainer(ns: string, name: string, container: string | null, purpose: 'log' | 'exec'): { pod: KObj; c: KObj; cname: string } {
    const pod = store.get(T('pods'), ns, name);
    if (!pod) throw errors.notFound(T('pods'), name);
    const all: KObj[] = [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? []), ...(pod.spec.ephemeralContainers ?? [])];
    let cname = container ?? '';
    if (!cname) {
      const def = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
      if (pod.spec.containers.length === 1) cname = pod.spec.containers[0].name;
      else if (def) cname = def;
      else throw errors.badRequest(`a container name must be specified for pod ${name}, choose one of: [${pod.spec.containers.map((c: KObj) => c.name).join(' ')}]`);
    }
    const c = all.find((x) => x.name === cname);
    if (!c) throw errors.badRequest(`container ${cname} is not valid for pod ${name}`);
    if (purpose === 'exec' && pod.status?.phase !== 'Running') throw errors.badRequest(`cannot exec into a container in a completed pod; current phase is ${pod.status?.phase ?? 'Unknown'}`);
    return { pod, c, cname };
  }

  function doLogs(ns: string, name: string, q: URLSearchParams, res: http.ServerResponse): void {
    const { pod, cname } = podAndContainer(ns, name, q.get('container'), 'log');
    const crt = getRuntime(ns, name).containers?.[cname] ?? {};
    let text: string;
    if (isTrue(q.get('previous'))) {
      if (crt.previousLogs === undefined) throw errors.badRequest(`previous terminated container "${cname}" in pod "${name}" not found`);
      text = crt.previousLogs;
    } else text = crt.logs ?? defaultLogs(pod, cname);
    let lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    if (isTrue(q.get('timestamps'))) {
      const ts = (pod.status?.startTime ?? nowTimestamp()).replace('Z', '.000000000Z');
      lines = lines.map((l) => `${ts} ${l}`);
    }
    const tail = q.get('tailLines');
    if (tail !== null) lines = Number(tail) === 0 ? [] : lines.slice(-Number(tail));
    let out = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8');
    const lb = q.get('limitBytes');
    if (lb !== null) out = out.subarray(0, Number(lb));
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    res.write(out);
    if (isTrue(q.get('follow'))) { openStreams.add(res); res.on('close', () => openStreams.delete(res)); return; }
    res.end();
  }

  // ------------------------------------------------------------ HTTP handler

  const receivedBodies = new WeakMap<http.IncomingMessage, Promise<Buffer>>();

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://localhost');
    const path = u.pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    const entry: RequestLogEntry = { method, path, query: queryObject(u), time: new Date().toISOString(), kind: 'http' };
    requests.push(entry);
    res.on('finish', () => { entry.status = res.statusCode; });
    if (opts.verbose) process.stderr.write(`[sim] ${method} ${req.url}\n`);
    try {
      const f = matchFault(method, path);
      // A delayed write is received in full first, like a real API server that has the request when the
      // client gives up: a client that times out meanwhile still has its write applied ("late write").
      if (f?.spec.delayMs && !f.spec.status && !f.spec.dropConnection && method !== 'GET') receivedBodies.set(req, readBody(req));
      if (f && (await applyFault(f, res, req.socket))) { entry.status = f.spec.dropConnection ? 0 : f.spec.status; return; }
      if (['/healthz', '/livez', '/readyz'].includes(path)) { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end('ok'); return; }
      const authn = authenticate(req);
      if (!authn) throw errors.unauthorized();
      const user = impersonate(req, authn);
      entry.user = user.name;
      const host = req.headers.host ?? '127.0.0.1';
      if (discovery(path, res, host)) return;
      const route = parseResourcePath(path);
      if (route === undefined) throw errors.routeNotFound();
      if (route instanceof ApiError) throw route;
      await handleResource(route, method, u.searchParams, req, res, user);
    } catch (e) {
      if (e instanceof ApiError) sendStatus(res, e);
      else if (e instanceof HttpError) sendStatus(res, errors.internal(e.message));
      else { sendStatus(res, errors.internal((e as Error).message)); if (opts.verbose) console.error(e); }
    }
  }

  function verbFor(method: string, r: Route, q: URLSearchParams): string {
    const watch = r.watchPath || isTrue(q.get('watch'));
    switch (method) {
      case 'GET': return watch ? 'watch' : r.name ? 'get' : 'list';
      case 'POST': return 'create';
      case 'PUT': return 'update';
      case 'PATCH': return 'patch';
      case 'DELETE': return r.name ? 'delete' : 'deletecollection';
    }
    return method.toLowerCase();
  }

  async function handleResource(r: Route, method: string, q: URLSearchParams, req: http.IncomingMessage, res: http.ServerResponse, user: UserInfo): Promise<void> {
    const { t, namespace: ns, name, sub } = r;
    const verb = verbFor(method, r, q);
    authorize(user, sub === 'exec' ? 'create' : verb, t, sub, ns, name);
    if (!verbsOf(t).includes(verb) && !sub) throw errors.methodNotAllowed();
    const dryRunParam = q.getAll('dryRun');
    if (dryRunParam.some((d) => d !== 'All')) throw errors.badRequest(`Invalid dry run value: ${dryRunParam.join(',')}. Valid values are: All`);
    const dryRun = dryRunParam.includes('All');
    const validation = q.get('fieldValidation') ?? 'Warn';
    if (!['Strict', 'Warn', 'Ignore'].includes(validation)) throw errors.badRequest(`fieldValidation: Invalid value: "${validation}": fieldValidation must be one of "Ignore", "Warn", or "Strict"`);
    const ctx: WriteContext = {
      manager: q.get('fieldManager') ?? String(req.headers['user-agent'] ?? '').split('/')[0], validation, force: isTrue(q.get('force')), warnings: [],
    };
    const write = <R>(fn: () => R): R => {
      writeCtx = ctx;
      try { return fn(); } finally {
        writeCtx = undefined;
        if (ctx.warnings.length) res.setHeader('Warning', ctx.warnings.map((w) => `299 - ${JSON.stringify(w)}`));
      }
    };
    if (ns && method !== 'GET' && t.plural !== 'namespaces' && method !== 'DELETE' && method !== 'POST') assertNamespaceExists(ns);

    const readJson = async (): Promise<KObj> => {
      const raw = await (receivedBodies.get(req) ?? readBody(req));
      if (raw.length === 0) return {};
      const ct = (req.headers['content-type'] ?? 'application/json').split(';')[0].trim();
      if (ct === PROTOBUF_CT) {
        try {
          return decodeK8sProtobuf(raw);
        } catch (e) {
          if (e instanceof ProtobufError && e.unsupportedKind) throw errors.unsupportedMediaType(ct, 'application/json, application/yaml');
          throw errors.badRequest(`error decoding body: ${(e as Error).message}`);
        }
      }
      try {
        if (ct === 'application/yaml') return jsyaml.load(raw.toString('utf8')) as KObj;
        return JSON.parse(raw.toString('utf8'));
      } catch (e) {
        throw errors.badRequest(`error decoding body: ${(e as Error).message}`);
      }
    };

    if (method === 'GET') {
      if (!name) {
        if (r.watchPath || isTrue(q.get('watch'))) return doWatch(t, ns, undefined, q, req, res);
        const list = doList(t, ns, q);
        if (wantsTable(req.headers.accept)) return sendJson(res, 200, toTable(t, list.items, list.metadata, q.get('includeObject')), TABLE_CT);
        return sendJson(res, 200, list);
      }
      if (r.watchPath) return doWatch(t, ns, name, q, req, res);
      if (sub === 'log') return doLogs(ns!, name, q, res);
      if (sub === 'exec') throw errors.badRequest('Upgrade request required');
      const o = store.get(t, ns, name);
      if (!o) throw errors.notFound(t, name);
      if (sub === 'scale') return sendJson(res, 200, scaleOf(t, o));
      if (!sub && wantsTable(req.headers.accept)) return sendJson(res, 200, toTable(t, [o], { resourceVersion: o.metadata.resourceVersion }, q.get('includeObject')), TABLE_CT);
      return sendJson(res, 200, o);
    }
    if (method === 'POST') {
      if (t.plural.startsWith('selfsubject') && !name) return sendJson(res, 201, selfReview(t, await readJson(), user));
      if (!name) {
        if (t.namespaced && !ns) throw errors.methodNotAllowed();
        const body = await readJson();
        return sendJson(res, 201, write(() => doCreate(t, ns, body, dryRun)));
      }
      if (sub === 'exec') throw errors.badRequest('Upgrade request required');
      if (sub === 'eviction') {
        await readJson();
        deleteOne(t, ns, name, {}, dryRun);
        return sendJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
      }
      if (sub === 'token') {
        const body = await readJson();
        const sa = store.get(t, ns, name);
        if (!sa) throw errors.notFound(t, name);
        const exp = Number(body.spec?.expirationSeconds ?? 3600);
        // a JWT-shaped bound token (unsigned) that authenticates as the ServiceAccount, like a real one
        const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        const username = `system:serviceaccount:${ns}:${name}`;
        const jwt = `${b64({ alg: 'RS256', kid: 'k8s-guardrails-sim' })}.${b64({
          aud: body.spec?.audiences ?? ['https://kubernetes.default.svc.cluster.local'], exp: now + exp, iat: now, iss: 'https://kubernetes.default.svc.cluster.local',
          jti: randomUUID(), 'kubernetes.io': { namespace: ns, serviceaccount: { name, uid: sa.metadata.uid } }, nbf: now, sub: username,
        })}.${randomBytes(32).toString('base64url')}`;
        if (!dryRun) tokens.set(jwt, { name: username, groups: [...serviceAccountGroups(username)!, 'system:authenticated'] });
        return sendJson(res, 201, {
          kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata: { name, namespace: ns, creationTimestamp: null },
          spec: { audiences: body.spec?.audiences ?? ['https://kubernetes.default.svc'], expirationSeconds: exp, boundObjectRef: null },
          status: { token: jwt, expirationTimestamp: new Date(Date.now() + exp * 1000).toISOString().replace(/\.\d+Z$/, 'Z') },
        });
      }
      if (sub === 'binding') {
        const body = await readJson();
        const pod = store.get(t, ns, name);
        if (!pod) throw errors.notFound(t, name);
        pod.spec.nodeName = body.target?.name;
        if (!dryRun) { store.update(t, pod); controllers.reconcile(); }
        return sendJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
      }
      throw errors.methodNotAllowed();
    }
    if (method === 'PUT') {
      if (!name) throw errors.methodNotAllowed();
      if (sub === 'finalize') { const o = store.get(t, ns, name); if (!o) throw errors.notFound(t, name); return sendJson(res, 200, o); }
      const body = await readJson();
      return sendJson(res, 200, write(() => doUpdate(t, ns, name, sub, body, dryRun)));
    }
    if (method === 'PATCH') {
      if (!name) throw errors.methodNotAllowed();
      const raw = await (receivedBodies.get(req) ?? readBody(req));
      const { code, obj } = write(() => doPatch(t, ns, name, sub, String(req.headers['content-type'] ?? ''), raw, q, dryRun));
      return sendJson(res, code, obj);
    }
    if (method === 'DELETE') {
      const body = await readJson();
      const options: KObj = { ...body };
      if (q.get('gracePeriodSeconds') !== null) options.gracePeriodSeconds = Number(q.get('gracePeriodSeconds'));
      if (q.get('propagationPolicy')) options.propagationPolicy = q.get('propagationPolicy');
      if (q.get('orphanDependents') !== null) options.orphanDependents = isTrue(q.get('orphanDependents'));
      if (name) {
        const o = deleteOne(t, ns, name, options, dryRun);
        return sendJson(res, 200, deleteResponse(t, o, dryRun));
      }
      const victims = filtered(t, ns, q);
      const deleted = victims.map((v) => deleteOne(t, v.metadata.namespace, v.metadata.name, options, dryRun));
      return sendJson(res, 200, { kind: `${t.kind}List`, apiVersion: groupVersion(t), metadata: { resourceVersion: String(store.resourceVersion) }, items: deleted.map(stripListItem) });
    }
    throw errors.methodNotAllowed();
  }

  // ------------------------------------------------------------ exec over WebSocket

  const SUPPORTED_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io',
    'v4.base64.channel.k8s.io', 'base64.channel.k8s.io'];
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols: Set<string>) => {
      for (const p of SUPPORTED_PROTOCOLS) if (protocols.has(p)) return p;
      return false;
    },
  });

  function rejectUpgrade(socket: Socket, err: ApiError): void {
    const data = JSON.stringify(err.toStatus());
    socket.end(`HTTP/1.1 ${err.code} ${http.STATUS_CODES[err.code] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(data)}\r\nConnection: close\r\n\r\n${data}`);
  }

  async function handleUpgrade(req: http.IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const entry: RequestLogEntry = { method, path: u.pathname, query: queryObject(u), time: new Date().toISOString(), kind: 'websocket' };
    requests.push(entry);
    if (opts.verbose) process.stderr.write(`[sim] UPGRADE ${method} ${req.url} (${String(req.headers.upgrade)})\n`);
    try {
      const f = matchFault(method, u.pathname);
      if (f && (await applyFault(f, undefined, socket))) { entry.status = f.spec.status ?? 0; return; }
      const authn = authenticate(req);
      if (!authn) throw errors.unauthorized();
      const user = impersonate(req, authn);
      entry.user = user.name;
      const r = parseResourcePath(u.pathname);
      if (!r || r instanceof ApiError) throw r ?? errors.routeNotFound();
      if (r.t.plural !== 'pods' || !r.name || (r.sub !== 'exec' && r.sub !== 'attach')) throw errors.badRequest('upgrade not supported for this resource');
      authorize(user, 'create', r.t, r.sub, r.namespace, r.name);
      if (r.sub === 'attach') throw errors.badRequest('attach is not supported by the simulator');
      if (String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
        throw errors.badRequest(`unable to upgrade connection: the simulator only supports WebSocket streaming (requested ${String(req.headers.upgrade)})`);
      }
      const q = u.searchParams;
      const { pod, c, cname } = podAndContainer(r.namespace!, r.name, q.get('container'), 'exec');
      const command = q.getAll('command');
      if (command.length === 0) throw errors.badRequest('you must specify at least 1 command');
      wss.handleUpgrade(req, socket, head, (ws) => {
        entry.status = 101;
        wsClients.add(ws);
        ws.on('close', () => wsClients.delete(ws));
        const prt = getRuntime(r.namespace!, r.name!);
        const ctx: ExecContext = { pod, containerName: cname, container: c, podRuntime: prt, containerRuntime: prt.containers?.[cname] ?? {} };
        runExecSession(ws, ctx, command, { stdin: isTrue(q.get('stdin')), tty: isTrue(q.get('tty')) });
      });
    } catch (e) {
      const err = e instanceof ApiError ? e : errors.internal((e as Error).message);
      entry.status = err.code;
      rejectUpgrade(socket, err);
    }
  }

  function runExecSession(ws: WebSocket, ctx: ExecContext, command: string[], o: { stdin: boolean; tty: boolean }): void {
    const proto = ws.protocol;
    const b64 = proto.includes('base64');
    const v4plus = proto === 'v4.channel.k8s.io' || proto === 'v5.channel.k8s.io' || proto === 'v4.base64.channel.k8s.io';
    const send = (ch: number, data: string | Buffer) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      if (b64) ws.send(String.fromCharCode(48 + ch) + buf.toString('base64'));
      else ws.send(Buffer.concat([Buffer.from([ch]), buf]), { binary: true });
    };
    const out = (s: string) => { if (s) send(1, o.tty ? s.replace(/\r?\n/g, '\r\n') : s); };
    const errOut = (s: string) => { if (s) { if (o.tty) out(s); else send(2, s); } };
    let finished = false;
    const finish = (r: ExecResult) => {
      if (finished) return;
      finished = true;
      out(r.stdout);
      errOut(r.stderr);
      let status: KObj;
      let text = '';
      if (r.runtimeError) {
        const id = randomBytes(32).toString('hex');
        const msg = `error executing command in container: failed to exec in container: failed to start exec "${id}": OCI runtime exec failed: exec failed: unable to start container process: ${r.runtimeError}: unknown`;
        status = errors.internal(msg).toStatus();
        delete status.kind; delete status.apiVersion;
        text = status.message;
      } else if (r.exitCode !== 0) {
        status = {
          metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${r.exitCode}`,
          reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(r.exitCode) }] },
        };
        text = status.message;
      } else status = { metadata: {}, status: 'Success' };
      if (v4plus) send(3, JSON.stringify(status));
      else if (text) send(3, text);
      setTimeout(() => { if (ws.readyState === WebSocket.OPEN) ws.close(1000); }, 10).unref?.();
    };
    // announce readiness like the real server (an empty frame on the first output channel)
    send(1, Buffer.alloc(0));
    const bin = (command[0] ?? '').split('/').pop();
    const wantsStdin = o.stdin && !isDistroless(ctx) && ((bin === 'cat' && command.length === 1) || ((bin === 'sh' || bin === 'bash') && !command.includes('-c')));
    if (!wantsStdin) { finish(runCommand(ctx, command)); return; }
    // interactive: cat echoes stdin; sh runs each line
    let pending = '';
    let lastCode = 0;
    const onData = (chunk: string) => {
      if (bin === 'cat') { out(chunk); return; }
      pending += chunk;
      let i: number;
      while ((i = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, i).replace(/\r$/, '');
        pending = pending.slice(i + 1);
        if (/^\s*exit(\s+\d+)?\s*$/.test(line)) { finish({ stdout: '', stderr: '', exitCode: Number(line.trim().split(/\s+/)[1] ?? lastCode) }); return; }
        const r = runScript(ctx, line, command[0]);
        out(r.stdout); errOut(r.stderr); lastCode = r.exitCode;
      }
    };
    const onEof = () => {
      if (bin === 'sh' || bin === 'bash') { if (pending.trim()) onData('\n'); }
      finish({ stdout: '', stderr: '', exitCode: lastCode });
    };
    ws.on('message', (data: Buffer | string, isBinary: boolean) => {
      let buf: Buffer;
      if (b64 && !isBinary) { const s = data.toString(); buf = Buffer.concat([Buffer.from([s.charCodeAt(0) - 48]), Buffer.from(s.slice(1), 'base64')]); }
      else buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
      if (buf.length === 0) return;
      const ch = buf[0];
      if (ch === 255 && buf[1] === 0) { onEof(); return; }
      if (ch === 0 && buf.length > 1) onData(buf.subarray(1).toString('utf8'));
    });
    ws.on('close', () => { finished = true; });
  }

  // ------------------------------------------------------------ HTTP(S) server

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => { void handle(req, res); };
  const server: http.Server = tls
    ? https.createServer({ key: pki!.serverKey, cert: pki!.serverCert, ca: [pki!.caCert], requestCert: true, rejectUnauthorized: false }, handler)
    : http.createServer(handler);
  server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => { void handleUpgrade(req, socket, head); });
  server.on('connection', (s: Socket) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  server.on('clientError', (_err, socket: Socket) => { socket.destroy(); });
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  // ------------------------------------------------------------ kubeconfig

  const clusterName = 'k8s-guardrails-sim';
  const contexts = { token: 'sim-token', cert: tls ? 'sim-cert' : undefined };
  function kubeconfigYaml(o: { context?: 'token' | 'cert' } = {}): string {
    const cluster: KObj = { server: url };
    if (pki) cluster['certificate-authority-data'] = Buffer.from(pki.caCert).toString('base64');
    // @kubernetes/client-node refuses http:// servers unless TLS verification is (meaninglessly) skipped
    else cluster['insecure-skip-tls-verify'] = true;
    const users: KObj[] = [{ name: 'sim-token-user', user: { token } }];
    const ctxs: KObj[] = [{ name: contexts.token, context: { cluster: clusterName, user: 'sim-token-user', namespace: 'default' } }];
    if (pki) {
      users.push({ name: 'sim-cert-user', user: { 'client-certificate-data': Buffer.from(pki.clientCert).toString('base64'), 'client-key-data': Buffer.from(pki.clientKey).toString('base64') } });
      ctxs.push({ name: contexts.cert!, context: { cluster: clusterName, user: 'sim-cert-user', namespace: 'default' } });
    }
    return jsyaml.dump({
      apiVersion: 'v1', kind: 'Config', preferences: {},
      clusters: [{ name: clusterName, cluster }], users, contexts: ctxs,
      'current-context': o.context === 'cert' && pki ? contexts.cert : contexts.token,
    });
  }
  function writeKubeconfig(p: string, o: { context?: 'token' | 'cert' } = {}): string {
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, kubeconfigYaml(o), { mode: 0o600 });
    return p;
  }
  let tmpDir: string | undefined;
  let kubeconfigPath = opts.kubeconfigPath;
  if (!kubeconfigPath) {
    tmpDir = mkdtempSync(join(tmpdir(), 'k8s-sim-'));
    kubeconfigPath = join(tmpDir, 'kubeconfig');
  }
  writeKubeconfig(kubeconfigPath);

  // ------------------------------------------------------------ public object

  const faults: FaultInjector = {
    inject(spec: FaultSpec): FaultHandle {
      const h: FaultHandle = { id: ++faultSeq, spec, hits: 0, remove: () => { const i = faultList.indexOf(h); if (i >= 0) faultList.splice(i, 1); } };
      faultList.push(h);
      return h;
    },
    clear() { faultList.length = 0; },
    get active() { return [...faultList]; },
  };

  function typeOrThrow(apiVersion: string, kind: string): ResourceType {
    const t = typeForKind(apiVersion, kind);
    if (!t) throw new Error(`unknown kind ${apiVersion} ${kind}`);
    return t;
  }

  const sim: Simulator = {
    url, port, tls, kubeconfigPath, token,
    caCert: pki?.caCert,
    clientCert: pki ? { cert: pki.clientCert, key: pki.clientKey, user: pki.clientUser } : undefined,
    contexts,
    writeKubeconfig, kubeconfigYaml,
    store,
    faults,
    requests,
    rbac: {
      deny(rule: DenyRule) { denyRules.push(rule); return () => { denyRules = denyRules.filter((r) => r !== rule); }; },
      clear() { denyRules = []; },
    },
    users: {
      addToken(tk: string, name: string, groups: string[] = ['system:authenticated']) { tokens.set(tk, { name, groups }); },
      removeToken(tk: string) { tokens.delete(tk); },
    },
    runtime: {
      setPod(ns: string, name: string, rt: PodRuntime) { runtimes.set(`${ns}/${name}`, rt); },
      getPod: getRuntime,
    },
    apply(obj: KObj): KObj {
      const t = typeOrThrow(obj.apiVersion, obj.kind);
      const ns = t.namespaced ? obj.metadata?.namespace ?? 'default' : undefined;
      const existing = obj.metadata?.name ? store.get(t, ns, obj.metadata.name) : undefined;
      if (!existing) return doCreate(t, ns, obj, false);
      return commitUpdate(t, existing, clone(obj), undefined, false);
    },
    get(apiVersion: string, kind: string, ns: string | undefined, name: string) { return store.get(typeOrThrow(apiVersion, kind), ns, name); },
    list(apiVersion: string, kind: string, ns?: string) { return store.list(typeOrThrow(apiVersion, kind), ns); },
    reconcile() { controllers.reconcile(); },
    async close() {
      if (closed) return;
      closed = true;
      for (const r of openStreams) r.end();
      for (const ws of wsClients) ws.terminate();
      wss.close();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
      await done;
      if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
    },
  };
  return sim;
}

/** Seed objects may carry ownerReferences without uid (`uid: ''`): fill them in from the named owner. */
function resolveSeedOwnerRefs(store: Store): void {
  for (const t of store.allTypes()) {
    for (const o of store.list(t)) {
      let changed = false;
      for (const ref of o.metadata.ownerReferences ?? []) {
        if (ref.uid) continue;
        const ot = typeForKind(ref.apiVersion, ref.kind);
        const owner = ot && store.get(ot, o.metadata.namespace, ref.name);
        if (owner) { ref.uid = owner.metadata.uid; changed = true; }
      }
      if (changed) store.update(t, o);
    }
  }
}

export { controllerOf };
