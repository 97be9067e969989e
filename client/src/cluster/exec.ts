/**
 * `pods/exec` over WebSocket (client-node Exec) with timeout/cancellation, and the
 * ephemeral debug container operation. Plain node.
 */
import { Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { CancelledError, ClusterSession, STRATEGIC_MERGE_PATCH, TimeoutError, describeApiError, req, sleep, throwIfAborted } from './connection';

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** 0 on success, the process exit code on NonZeroExitCode, undefined when unknown. */
  exitCode: number | undefined;
  status: k8s.V1Status | undefined;
}

export type ExecFailureKind = 'executableNotFound' | 'forbidden' | 'notFound' | 'containerNotRunning' | 'connectionDropped' | 'timeout' | 'cancelled' | 'failed';

/** An exec that could not run the command at all (as opposed to a command exiting non-zero). */
export class ExecError extends Error {
  constructor(readonly kind: ExecFailureKind, message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'ExecError';
  }
}

class Collect extends Writable {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly max: number) { super(); }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    if (this.size < this.max) { const b = Buffer.from(chunk); this.chunks.push(b); this.size += b.length; }
    cb();
  }
  get text(): string { return Buffer.concat(this.chunks).toString('utf8').slice(0, this.max); }
}

const NOT_FOUND_RE = /executable file not found|no such file or directory: unknown|exec: "[^"]*": (executable file not found|stat [^:]*: no such file)/i;

/**
 * Runs `command` in a container and waits for the exit status and the socket close.
 * Rejects with ExecError for failures to run it (executable missing — e.g. distroless —,
 * 403 on pods/exec, 404, dropped connection, timeout, cancel). A non-zero exit resolves.
 */
export async function execInPod(
  session: ClusterSession,
  namespace: string,
  pod: string,
  container: string,
  command: string[],
  opts: { signal?: AbortSignal; timeoutMs?: number; maxBytes?: number } = {},
): Promise<ExecResult> {
  throwIfAborted(opts.signal, 'exec');
  const exec = new k8s.Exec(session.kc);
  const stdout = new Collect(opts.maxBytes ?? 4 * 1024 * 1024);
  const stderr = new Collect(64 * 1024);
  let status: k8s.V1Status | undefined;
  const op = { verb: 'exec', resource: 'pods/exec', namespace, name: pod, server: session.server };
  let ws: Awaited<ReturnType<k8s.Exec['exec']>> | undefined;
  const timeoutMs = opts.timeoutMs ?? session.timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  let abortHandler: (() => void) | undefined;
  try {
    const outcome = await new Promise<'closed'>((resolve, reject) => {
      let done = false;
      const finish = (f: () => void) => { if (!done) { done = true; f(); } };
      if (timeoutMs > 0) timer = setTimeout(() => finish(() => { try { ws?.close(); } catch { /* ignore */ } reject(new ExecError('timeout', `${describeApiError(new TimeoutError(timeoutMs), op)}`)); }), timeoutMs);
      abortHandler = () => finish(() => { try { ws?.close(); } catch { /* ignore */ } reject(new CancelledError('exec')); });
      opts.signal?.addEventListener('abort', abortHandler, { once: true });
      exec.exec(namespace, pod, container, command, stdout, stderr, null, false, (s) => { status = s; }).then((socket) => {
        ws = socket;
        if (done) { try { socket.close(); } catch { /* ignore */ } return; }
        if (socket.readyState === 3) finish(() => resolve('closed'));
        else {
          socket.addEventListener('close', () => finish(() => resolve('closed')));
          socket.addEventListener('error', (e) => finish(() => reject(e)));
        }
      }, (e) => finish(() => reject(e)));
    });
    void outcome;
  } catch (e) {
    if (e instanceof ExecError || e instanceof CancelledError) throw e;
    const code = /Unexpected server response: (\d{3})/.exec(String((e as { message?: unknown })?.message ?? ''))?.[1];
    const kind: ExecFailureKind = code === '403' ? 'forbidden' : code === '404' ? 'notFound' : code ? 'failed' : 'connectionDropped';
    throw new ExecError(kind, describeApiError(e, op), e);
  } finally {
    if (timer) clearTimeout(timer);
    if (abortHandler) opts.signal?.removeEventListener('abort', abortHandler);
  }
  if (!status) {
    throw new ExecError('connectionDropped', `Cannot exec in pod "${pod}" (namespace "${namespace}"): the connection closed before the command reported an exit status; the output may be incomplete. Retry.`);
  }
  if (status.status === 'Success') return { stdout: stdout.text, stderr: stderr.text, exitCode: 0, status };
  if (status.reason === 'NonZeroExitCode') {
    const n = Number(status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message);
    return { stdout: stdout.text, stderr: stderr.text, exitCode: Number.isFinite(n) ? n : 1, status };
  }
  const msg = status.message ?? '';
  if (NOT_FOUND_RE.test(msg)) {
    throw new ExecError('executableNotFound', `The container "${container}" of pod "${pod}" has no "${command[0]}" binary (distroless or scratch image): exec cannot read its files.`, status);
  }
  if (/container not found|is not running|not running|waiting to start/i.test(msg)) {
    throw new ExecError('containerNotRunning', `Cannot exec in container "${container}" of pod "${pod}": it is not running.`, status);
  }
  if (status.code === 403 || status.reason === 'Forbidden') throw new ExecError('forbidden', describeApiError({ code: 403, body: status }, op), status);
  throw new ExecError('failed', `Exec in container "${container}" of pod "${pod}" failed: ${msg.slice(0, 300)}`, status);
}

// ---------------------------------------------------------------------------------------------
// ephemeral debug container

export interface DebugContainerOptions {
  /** Default `busybox:1.36`. */
  image?: string;
  /** Container whose process namespace to target (the network namespace is always the pod's). */
  targetContainerName?: string;
  /** Default `guardrails-debug-<random>`. */
  name?: string;
  /** Default `['sleep', '3600']`: keeps it running for exec. */
  command?: string[];
  dryRun?: boolean;
  signal?: AbortSignal;
  /** How long to wait for it to run (default 60s). */
  waitMs?: number;
}

/** Warning shown before adding a debug container (the UI must confirm it). */
export const DEBUG_CONTAINER_WARNING =
  'An ephemeral debug container cannot be removed once added: it stays in the pod spec until the pod is deleted. It alters the evidence (pod spec, processes, possibly files and network activity) — save an evidence bundle first.';

/**
 * PATCH pods/{name}/ephemeralcontainers with a debug container sharing the pod's network
 * namespace; waits until it runs (unless dryRun). Returns its name.
 */
export async function addDebugContainer(session: ClusterSession, namespace: string, pod: string, opts: DebugContainerOptions = {}): Promise<{ name: string; image: string; pod: k8s.V1Pod }> {
  const name = opts.name ?? `guardrails-debug-${Math.random().toString(36).slice(2, 7)}`;
  const image = opts.image?.trim() || 'busybox:1.36';
  const container: k8s.V1EphemeralContainer = {
    name,
    image,
    command: opts.command ?? ['sleep', '3600'],
    stdin: false,
    tty: false,
    ...(opts.targetContainerName ? { targetContainerName: opts.targetContainerName } : {}),
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: false },
  };
  const op = { verb: 'patch', resource: 'pods/ephemeralcontainers', namespace, name: pod, server: session.server };
  let result: k8s.V1Pod;
  try {
    result = await req(session, opts.signal, (o) => session.core.patchNamespacedPodEphemeralcontainers({ name: pod, namespace, body: { spec: { ephemeralContainers: [container] } }, ...(opts.dryRun ? { dryRun: 'All' } : {}) }, o), { contentType: STRATEGIC_MERGE_PATCH });
  } catch (e) {
    throw new Error(describeApiError(e, op));
  }
  if (opts.dryRun) return { name, image, pod: result };
  const deadline = Date.now() + (opts.waitMs ?? 60000);
  for (;;) {
    const st = result.status?.ephemeralContainerStatuses?.find((s) => s.name === name);
    if (st?.state?.running) return { name, image, pod: result };
    if (st?.state?.terminated) throw new Error(`The debug container "${name}" exited immediately (${st.state.terminated.reason ?? 'terminated'}); the image "${image}" may lack "${container.command?.[0]}".`);
    if (Date.now() > deadline) throw new Error(`The debug container "${name}" did not start within ${Math.round((opts.waitMs ?? 60000) / 1000)}s (image pull? ${st?.state?.waiting?.reason ?? 'no status yet'}). It stays in the pod spec.`);
    await sleep(1000, opts.signal);
    try {
      result = await req(session, opts.signal, (o) => session.core.readNamespacedPod({ name: pod, namespace }, o));
    } catch (e) {
      throw new Error(describeApiError(e, { verb: 'get', resource: 'pods', namespace, name: pod, server: session.server }));
    }
  }
}
