/**
 * Connecting to a live cluster: kubeconfig loading, a session with the API
 * clients, request timeouts/cancellation, and turning every client-node or
 * network error into a message a person can act on.
 *
 * Plain node (no `vscode` import): the panel, the commands and the tests all use it.
 * Never logs tokens or kubeconfig contents.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { expandHome } from './kubeconfig-files';

// ---------------------------------------------------------------------------------------------
// kubeconfig

export interface LoadKubeConfigOptions {
  /** `k8sGuardrails.cluster.kubeconfig` setting; `~` is expanded. Empty → KUBECONFIG → ~/.kube/config. */
  kubeconfigPath?: string;
  /** Context to make current (must exist in the file). Empty → the file's current-context. */
  context?: string;
}

export interface LoadedKubeConfig {
  kc: k8s.KubeConfig;
  /** All context names in the kubeconfig. */
  contexts: string[];
  /** The context in use. */
  current: string;
  /** API server URL of the current context's cluster ('' if none). */
  server: string;
  /** Where it came from, for display: `setting: /path`, `KUBECONFIG: /a:/b`, `~/.kube/config: /home/u/.kube/config`. */
  source: string;
}

/** Thrown for problems with the kubeconfig itself (missing file, no contexts, unknown context). */
export class KubeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeConfigError';
  }
}

/**
 * Loads a kubeconfig: the explicit path (setting) if given, else `KUBECONFIG` (possibly several
 * files joined by the platform delimiter, merged like kubectl does), else `~/.kube/config`.
 * Errors never include the file contents.
 */
export function loadKubeConfig(opts: LoadKubeConfigOptions = {}): LoadedKubeConfig {
  const kc = new k8s.KubeConfig();
  let source: string;
  const explicit = opts.kubeconfigPath?.trim();
  try {
    if (explicit) {
      const file = expandHome(explicit);
      source = `setting: ${file}`;
      if (!fs.existsSync(file)) throw new KubeConfigError(`The kubeconfig file ${file} (from the k8sGuardrails.cluster.kubeconfig setting) does not exist. Fix the setting or clear it to use KUBECONFIG / ~/.kube/config.`);
      kc.loadFromFile(file);
    } else if (process.env.KUBECONFIG && process.env.KUBECONFIG.trim()) {
      const files = process.env.KUBECONFIG.split(path.delimiter).map((f) => f.trim()).filter(Boolean).map(expandHome);
      source = `KUBECONFIG: ${files.join(path.delimiter)}`;
      const existing = files.filter((f) => fs.existsSync(f));
      if (existing.length === 0) throw new KubeConfigError(`None of the files in KUBECONFIG exist (${files.join(path.delimiter)}).`);
      if (existing.length === 1) kc.loadFromFile(existing[0]);
      else {
        // Merge like kubectl: the first file that sets a value wins.
        const merged = new k8s.KubeConfig();
        let currentContext = '';
        const seen = { clusters: new Set<string>(), users: new Set<string>(), contexts: new Set<string>() };
        const clusters: k8s.Cluster[] = [];
        const users: k8s.User[] = [];
        const contexts: k8s.Context[] = [];
        for (const f of existing) {
          const one = new k8s.KubeConfig();
          one.loadFromFile(f);
          if (!currentContext && one.currentContext) currentContext = one.currentContext;
          for (const c of one.clusters) if (!seen.clusters.has(c.name)) { seen.clusters.add(c.name); clusters.push(c); }
          for (const u of one.users) if (!seen.users.has(u.name)) { seen.users.add(u.name); users.push(u); }
          for (const c of one.contexts) if (!seen.contexts.has(c.name)) { seen.contexts.add(c.name); contexts.push(c); }
        }
        merged.loadFromOptions({ clusters, users, contexts, currentContext });
        return finish(merged, source, opts.context);
      }
    } else {
      const file = path.join(os.homedir(), '.kube', 'config');
      source = `~/.kube/config: ${file}`;
      if (!fs.existsSync(file)) throw new KubeConfigError(`No kubeconfig found: the k8sGuardrails.cluster.kubeconfig setting is empty, KUBECONFIG is not set and ${file} does not exist.`);
      kc.loadFromFile(file);
    }
  } catch (e) {
    if (e instanceof KubeConfigError) throw e;
    // client-node's parse errors may quote parts of the file: keep only a generic reason.
    throw new KubeConfigError(`Cannot read the kubeconfig (${describeSource(explicit)}): ${safeParseReason(e)}.`);
  }
  return finish(kc, source, opts.context);
}

function describeSource(explicit: string | undefined): string {
  if (explicit) return expandHome(explicit);
  if (process.env.KUBECONFIG) return 'KUBECONFIG';
  return '~/.kube/config';
}

function safeParseReason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  if (/EACCES|permission denied/i.test(msg)) return 'permission denied';
  if (/ENOENT/.test(msg)) return 'file not found';
  if (/EISDIR/.test(msg)) return 'it is a directory';
  if (/yaml|mapping|indent|parse|unexpected/i.test(msg)) return 'it is not valid YAML';
  if (/name/i.test(msg) && /missing|invalid/i.test(msg)) return 'a cluster, user or context entry is missing its name or server';
  return 'invalid kubeconfig';
}

function finish(kc: k8s.KubeConfig, source: string, context: string | undefined): LoadedKubeConfig {
  const contexts = kc.getContexts().map((c) => c.name);
  if (contexts.length === 0) throw new KubeConfigError(`The kubeconfig (${source}) has no contexts.`);
  if (context && context.trim()) {
    if (!contexts.includes(context)) throw new KubeConfigError(`Context "${context}" is not in the kubeconfig (${source}). Available: ${contexts.join(', ')}.`);
    kc.setCurrentContext(context);
  } else if (!kc.getCurrentContext() || !contexts.includes(kc.getCurrentContext())) {
    kc.setCurrentContext(contexts[0]);
  }
  const current = kc.getCurrentContext();
  const server = kc.getCurrentCluster()?.server ?? '';
  return { kc, contexts, current, server, source };
}

// ---------------------------------------------------------------------------------------------
// session: typed API clients + per-request options

export interface ClusterSession {
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  batch: k8s.BatchV1Api;
  net: k8s.NetworkingV1Api;
  /** Current context name and server URL (for messages). */
  context: string;
  server: string;
  /** Default per-request timeout (ms) used by `req()`; 0 = none. */
  timeoutMs: number;
}

export function createSession(kc: k8s.KubeConfig, opts: { timeoutMs?: number } = {}): ClusterSession {
  return {
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    batch: kc.makeApiClient(k8s.BatchV1Api),
    net: kc.makeApiClient(k8s.NetworkingV1Api),
    context: kc.getCurrentContext(),
    server: kc.getCurrentCluster()?.server ?? '',
    timeoutMs: opts.timeoutMs ?? 20000,
  };
}

/**
 * client-node 1.x per-call options: optional Content-Type override and an AbortSignal on the fetch.
 * (The ObjectParam API passes options to the Observable API: middleware returns client-node's Observable.)
 */
export function requestOptions(opts: { signal?: AbortSignal; contentType?: string } = {}): k8s.ConfigurationOptions {
  const middleware: k8s.ObservableMiddleware = {
    pre: (ctx: k8s.RequestContext) => {
      if (opts.signal) ctx.setSignal(opts.signal);
      if (opts.contentType) ctx.setHeaderParam('Content-Type', opts.contentType);
      return new k8s.Observable(Promise.resolve(ctx));
    },
    post: (res: k8s.ResponseContext) => new k8s.Observable(Promise.resolve(res)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' } as unknown as k8s.ConfigurationOptions;
}

export const MERGE_PATCH = 'application/merge-patch+json';
export const JSON_PATCH = 'application/json-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';

/**
 * Runs one API call with the session timeout and the caller's cancellation:
 * `req(session, signal, (o) => session.core.readNamespacedPod({name, namespace}, o))`.
 * The fetch itself is aborted on timeout/cancel (no dangling request).
 */
export function req<T>(session: Pick<ClusterSession, 'timeoutMs'>, signal: AbortSignal | undefined, call: (options: k8s.ConfigurationOptions) => Promise<T>, extra: { contentType?: string; timeoutMs?: number; what?: string } = {}): Promise<T> {
  const ms = extra.timeoutMs ?? session.timeoutMs;
  return withTimeout((s) => call(requestOptions({ signal: s, contentType: extra.contentType })), ms, { signal, what: extra.what });
}

// ---------------------------------------------------------------------------------------------
// timeouts and cancellation

export class TimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(readonly ms: number, what?: string) {
    super(`${what ? what + ' ' : ''}timed out after ${formatMs(ms)}`);
    this.name = 'TimeoutError';
  }
}

export class CancelledError extends Error {
  readonly code = 'ECANCELLED';
  constructor(what?: string) {
    super(`${what ? what + ': ' : ''}cancelled`);
    this.name = 'CancelledError';
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000}s` : ms >= 1000 ? `${(ms / 1000).toFixed(1)}s` : `${ms}ms`;
}

export function isCancelled(e: unknown): boolean {
  return e instanceof CancelledError;
}

export function throwIfAborted(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw new CancelledError(what);
}

/** A signal that aborts when any of the inputs abort (undefined entries ignored). */
export function anySignal(...signals: (AbortSignal | undefined)[]): { signal: AbortSignal; dispose: () => void } {
  const ctrl = new AbortController();
  const cleanups: (() => void)[] = [];
  for (const s of signals) {
    if (!s) continue;
    if (s.aborted) { ctrl.abort(s.reason); break; }
    const on = () => ctrl.abort(s.reason);
    s.addEventListener('abort', on, { once: true });
    cleanups.push(() => s.removeEventListener('abort', on));
  }
  return { signal: ctrl.signal, dispose: () => cleanups.forEach((c) => c()) };
}

/**
 * Runs `fn` with a signal that aborts after `ms` (0/undefined = no timeout) or when `opts.signal`
 * aborts; rejects with TimeoutError / CancelledError even if `fn` ignores its signal.
 * `fn` may also be a plain promise (then it is only raced, not aborted).
 */
export function withTimeout<T>(fn: ((signal: AbortSignal) => Promise<T>) | Promise<T>, ms: number | undefined, opts: { signal?: AbortSignal; what?: string } = {}): Promise<T> {
  const ctrl = new AbortController();
  if (opts.signal?.aborted) return Promise.reject(new CancelledError(opts.what));
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const done = (f: () => void) => { if (!settled) { settled = true; cleanup(); f(); } };
    const timer = ms && ms > 0 ? setTimeout(() => { const err = new TimeoutError(ms, opts.what); ctrl.abort(err); done(() => reject(err)); }, ms) : undefined;
    const onAbort = () => { const err = new CancelledError(opts.what); ctrl.abort(err); done(() => reject(err)); };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = () => { if (timer) clearTimeout(timer); opts.signal?.removeEventListener('abort', onAbort); };
    let p: Promise<T>;
    try { p = typeof fn === 'function' ? fn(ctrl.signal) : fn; } catch (e) { done(() => reject(e)); return; }
    p.then((v) => done(() => resolve(v)), (e) => done(() => reject(e)));
  });
}

/** Sleeps `ms`, rejecting with CancelledError if the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const t = setTimeout(() => { signal?.removeEventListener('abort', on); resolve(); }, ms);
    const on = () => { clearTimeout(t); reject(new CancelledError()); };
    signal?.addEventListener('abort', on, { once: true });
  });
}

// ---------------------------------------------------------------------------------------------
// errors

export interface ApiOperation {
  /** Kubernetes verb or a human phrase: get, list, create, patch, delete, exec, watch … */
  verb: string;
  /** Plural resource, optionally with subresource: pods, pods/exec, networkpolicies, deployments/scale. */
  resource: string;
  namespace?: string;
  name?: string;
  /** Server URL for "cannot reach" messages (defaults to what the error says, else "the API server"). */
  server?: string;
}

export interface StatusLike {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; group?: string; causes?: { reason?: string; message?: string; field?: string }[] };
}

/** The HTTP status code of a client-node ApiException (or a Status-carrying error), else undefined. */
export function httpStatusOf(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown; status?: unknown; response?: { statusCode?: unknown } } | undefined;
  if (!e || typeof e !== 'object') return undefined;
  if (typeof e.code === 'number') return e.code;
  if (typeof e.statusCode === 'number') return e.statusCode;
  if (e.response && typeof e.response.statusCode === 'number') return e.response.statusCode;
  // WebSocket upgrade refused (exec): "Unexpected server response: 403"
  const ws = /Unexpected server response: (\d{3})/.exec(errMessage(err));
  if (ws) return Number(ws[1]);
  const st = statusOf(err);
  if (st && typeof st.code === 'number') return st.code;
  return undefined;
}

/** The Kubernetes `Status` carried by an error (client-node puts the body as a string or object). */
export function statusOf(err: unknown): StatusLike | undefined {
  const e = err as { body?: unknown; kind?: unknown } | undefined;
  if (!e || typeof e !== 'object') return undefined;
  if ((e as StatusLike).kind === 'Status') return e as StatusLike;
  let body = e.body;
  if (typeof body === 'string') {
    try { body = JSON.parse(body); } catch { return undefined; }
  }
  if (body && typeof body === 'object' && ((body as StatusLike).kind === 'Status' || typeof (body as StatusLike).message === 'string')) return body as StatusLike;
  return undefined;
}

/** Node/system error code anywhere in the cause chain (ECONNREFUSED, CERT_HAS_EXPIRED, …). */
export function errorCodeOf(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    const c = (cur as { code?: unknown; errno?: unknown }).code;
    if (typeof c === 'string' && c) return c;
    const errno = (cur as { errno?: unknown }).errno;
    if (typeof errno === 'string' && errno) return errno;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function errMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  // ws ErrorEvent (exec/attach upgrades) is not an Error but carries a message.
  const m = (err as { message?: unknown } | undefined)?.message;
  return typeof m === 'string' ? m : '';
}

const CERT_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED', 'CERT_REJECTED', 'ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO',
]);

export type ApiErrorKind =
  | 'unauthorized' | 'forbidden' | 'notFound' | 'conflict' | 'alreadyExists' | 'invalid' | 'badRequest' | 'tooManyRequests'
  | 'serverError' | 'timeout' | 'cancelled' | 'unreachable' | 'certificate' | 'connectionDropped' | 'execFailed' | 'other';

/** Classifies an error (for callers that branch: retry on conflict, offer a debug container on forbidden, …). */
export function classifyApiError(err: unknown): ApiErrorKind {
  if (err instanceof CancelledError) return 'cancelled';
  if (err instanceof TimeoutError) return 'timeout';
  const name = (err as { name?: string } | undefined)?.name;
  if (name === 'AbortError') {
    const reason = (err as { cause?: unknown }).cause;
    return reason instanceof TimeoutError ? 'timeout' : 'cancelled';
  }
  const code = httpStatusOf(err);
  const st = statusOf(err);
  if (code !== undefined && code >= 100) {
    if (code === 401) return 'unauthorized';
    if (code === 403) return 'forbidden';
    if (code === 404) return 'notFound';
    if (code === 409) return st?.reason === 'AlreadyExists' ? 'alreadyExists' : 'conflict';
    if (code === 422) return 'invalid';
    if (code === 400) return 'badRequest';
    if (code === 429) return 'tooManyRequests';
    if (code === 504 || code === 408 || st?.reason === 'Timeout') return 'timeout';
    if (code >= 500) return 'serverError';
    return 'other';
  }
  const sys = errorCodeOf(err);
  const msg = errMessage(err);
  if (sys && CERT_CODES.has(sys)) return 'certificate';
  if (/certificate|self[- ]signed|CERT_/i.test(msg)) return 'certificate';
  if (sys === 'ETIMEDOUT' || sys === 'ESOCKETTIMEDOUT' || sys === 'UND_ERR_CONNECT_TIMEOUT' || /timed? ?out/i.test(msg)) return 'timeout';
  if (sys === 'ECONNREFUSED' || sys === 'ENOTFOUND' || sys === 'EAI_AGAIN' || sys === 'EHOSTUNREACH' || sys === 'ENETUNREACH' || sys === 'EADDRNOTAVAIL') return 'unreachable';
  if (sys === 'ECONNRESET' || sys === 'EPIPE' || /socket hang up|premature close|ECONNRESET|other side closed|closed before/i.test(msg)) return 'connectionDropped';
  if (/ECONNREFUSED|ENOTFOUND|getaddrinfo/i.test(msg)) return 'unreachable';
  return 'other';
}

function target(op: ApiOperation): string {
  const res = op.resource;
  const what = op.name ? `${res} "${op.name}"` : res;
  return op.namespace ? `${what} in namespace "${op.namespace}"` : what;
}

function serverOf(err: unknown, op: ApiOperation): string {
  if (op.server) return op.server;
  const msg = errMessage(err);
  const m = /(https?:\/\/[^\s/]+)/.exec(msg);
  return m ? m[1] : 'the API server';
}

/** Removes control characters and caps the length of server-supplied text before showing it. */
export function sanitizeServerText(s: string, max = 400): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)/g, '').replace(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '');
  return clean.length > max ? clean.slice(0, max) + '…' : clean;
}

/**
 * One clear sentence (or two) for any client-node / network error:
 * who (the current user, as the server says), what (verb + resource), why, and what to do.
 */
export function describeApiError(err: unknown, op: ApiOperation): string {
  const kind = classifyApiError(err);
  const st = statusOf(err);
  const serverMsg = st?.message ? sanitizeServerText(st.message) : '';
  const t = target(op);
  const action = `${op.verb} ${t}`;
  switch (kind) {
    case 'unauthorized':
      return `Cannot ${action}: the cluster rejected the credentials (401 Unauthorized). The token or client certificate in the kubeconfig has expired or is invalid — log in again (e.g. refresh your cloud CLI credentials) or pick another context.`;
    case 'forbidden': {
      const who = /User "([^"]*)"/.exec(serverMsg)?.[1];
      const whoText = who ? `user "${who}"` : 'the current user';
      const scope = op.namespace ? ` in namespace "${op.namespace}"` : '';
      return `Cannot ${action}: ${whoText} is not allowed to ${op.verb} ${op.resource}${scope} (403 Forbidden${serverMsg ? `: ${serverMsg}` : ''}). Ask a cluster admin for RBAC permission "${op.verb}" on "${op.resource}"${scope}, or use a context with more rights.`;
    }
    case 'notFound':
      return `Cannot ${action}: it does not exist (404 Not Found${serverMsg ? `: ${serverMsg}` : ''}). It may have been deleted or renamed, or the namespace is wrong — refresh and try again.`;
    case 'conflict':
      return `Cannot ${action}: it was modified by someone else in the meantime (409 Conflict${serverMsg ? `: ${serverMsg}` : ''}). Refresh and retry.`;
    case 'alreadyExists':
      return `Cannot ${action}: an object with that name already exists (409 AlreadyExists${serverMsg ? `: ${serverMsg}` : ''}). Use another name or update the existing one.`;
    case 'invalid': {
      const causes = (st?.details?.causes ?? []).map((c) => sanitizeServerText(`${c.field ? c.field + ': ' : ''}${c.message ?? c.reason ?? ''}`, 200)).filter(Boolean);
      return `Cannot ${action}: the server rejected it as invalid (422 Unprocessable${serverMsg ? `: ${serverMsg}` : ''})${causes.length && !serverMsg ? ` — ${causes.join('; ')}` : ''}. Fix the object (an admission policy or validation rule may require changes).`;
    }
    case 'badRequest':
      return `Cannot ${action}: the server rejected the request (400 Bad Request${serverMsg ? `: ${serverMsg}` : ''}). The cluster version may not support this operation.`;
    case 'tooManyRequests':
      return `Cannot ${action}: the API server is throttling requests (429 Too Many Requests). Wait a moment and retry.`;
    case 'serverError': {
      const code = httpStatusOf(err) ?? 500;
      return `Cannot ${action}: the API server failed (${code} ${httpReason(code)}${serverMsg ? `: ${serverMsg}` : ''}). Retry later; if it persists check the control plane or admission webhooks.`;
    }
    case 'timeout': {
      const ms = err instanceof TimeoutError ? ` after ${formatMs(err.ms)}` : '';
      return `Cannot ${action}: the request to ${serverOf(err, op)} timed out${ms}. The cluster may be slow or unreachable (VPN? proxy?) — retry, or raise the timeout.`;
    }
    case 'cancelled':
      return `Cancelled: ${action} was stopped before it completed.`;
    case 'unreachable': {
      const code = errorCodeOf(err);
      const why = code === 'ECONNREFUSED' ? 'connection refused' : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'the host name does not resolve' : code ? code : 'network error';
      return `Cannot ${action}: cannot reach ${serverOf(err, op)} (${why}). Check that the cluster is running, the VPN/proxy is up, and the kubeconfig context "server" is right.`;
    }
    case 'certificate': {
      const code = errorCodeOf(err);
      return `Cannot ${action}: cannot reach ${serverOf(err, op)} securely — the server's TLS certificate was not accepted (${code ?? 'certificate error'}). The kubeconfig's certificate-authority may be wrong or the certificate expired; do not disable verification, fetch a fresh kubeconfig.`;
    }
    case 'connectionDropped': {
      const write = !/^(get|list|watch|read|exec|logs?)$/i.test(op.verb);
      return `Cannot ${action}: the connection to ${serverOf(err, op)} was dropped before a response arrived.${write ? ' The change may or may not have been applied — refresh to check, then retry.' : ' Retry; if it keeps happening check the network path (proxy, VPN, load balancer idle timeouts).'}`;
    }
    default: {
      const m = serverMsg || sanitizeServerText(firstLine(errMessage(err)) || 'unknown error', 300);
      return `Cannot ${action}: ${m}.`;
    }
  }
}

const HTTP_REASONS: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout',
  409: 'Conflict', 410: 'Gone', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 429: 'Too Many Requests',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

/** The reason phrase of an HTTP status code ("Internal Server Error"), or "Error" for unknown codes. */
export function httpReason(code: number): string {
  return HTTP_REASONS[code] ?? (code >= 500 ? 'Server Error' : 'Error');
}

/**
 * A few words for why a request failed, for lists of gaps: "403 Forbidden", "500 Internal Server Error",
 * "timed out", "connection dropped", "cancelled", …
 */
export function failureWords(err: unknown): string {
  const kind = classifyApiError(err);
  const code = httpStatusOf(err);
  if (kind === 'timeout') return code && code >= 400 ? `${code} ${httpReason(code)}: timed out` : 'timed out';
  if (code !== undefined && code >= 400) return `${code} ${code === 409 && kind === 'alreadyExists' ? 'AlreadyExists' : httpReason(code)}`;
  switch (kind) {
    case 'cancelled': return 'cancelled';
    case 'unreachable': return 'server unreachable';
    case 'certificate': return 'TLS certificate not accepted';
    case 'connectionDropped': return 'the connection to the API server was dropped';
    default: return sanitizeServerText(firstLine(errMessage(err)) || 'unknown error', 200);
  }
}

function firstLine(s: string): string {
  // client-node ApiException messages embed the body and headers: keep only the first line.
  return s.split('\n')[0].trim();
}
