/**
 * Evidence bundle for a pod, saved BEFORE any change: pod + owner manifests (YAML),
 * container logs (current and previous), the pod's events, the egress trace with the raw
 * /proc/net text, timestamps, README.md and manifest.json (sha256 of every file).
 * Plain node.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import * as k8s from '@kubernetes/client-node';
import { CancelledError, ClusterSession, describeApiError, req, throwIfAborted } from './connection';
import { EgressTrace, formatTrace, traceEgress } from './trace';

export interface EvidenceFile { path: string; bytes: number; sha256: string; description: string }

export interface EvidenceBundle {
  dir: string;
  createdAt: string;
  files: EvidenceFile[];
  /** Items that could not be collected (e.g. 403 on logs) — the bundle is still written. */
  errors: string[];
  trace?: EgressTrace;
}

export interface EvidenceOptions {
  signal?: AbortSignal;
  reason?: string;
  /** A trace taken just before (re-used instead of tracing again). */
  trace?: EgressTrace;
  /** Extra JSON to store (e.g. the isolation plan). */
  extra?: Record<string, unknown>;
  /** Image of the ephemeral debug container the trace reads /proc/net with (default busybox:1.36). */
  debugImage?: string;
  /** false: no debug container (a dry run must not write); the trace then reads with the pod's own tools, with a warning. */
  debugContainer?: boolean;
  /** Max bytes per log (default 5 MiB). */
  maxLogBytes?: number;
}

const SAFE = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);

function clean(obj: unknown): unknown {
  const o = JSON.parse(JSON.stringify(obj ?? null));
  if (o && typeof o === 'object' && o.metadata) delete o.metadata.managedFields;
  return o;
}

function toYaml(obj: unknown): string {
  return yaml.dump(clean(obj), { noRefs: true, lineWidth: -1, sortKeys: false });
}

/** API objects from client-node have no apiVersion/kind on reads of typed clients? They do; keep as is. */
async function ownerChain(session: ClusterSession, ns: string, pod: k8s.V1Pod, signal?: AbortSignal): Promise<{ kind: string; name: string; object: unknown }[]> {
  const out: { kind: string; name: string; object: unknown }[] = [];
  let refs = pod.metadata?.ownerReferences ?? [];
  for (let depth = 0; depth < 3 && refs.length; depth++) {
    const r = refs.find((x) => x.controller) ?? refs[0];
    let obj: { metadata?: k8s.V1ObjectMeta } | undefined;
    const n = { name: r.name, namespace: ns };
    try {
      switch (r.kind) {
        case 'ReplicaSet': obj = await req(session, signal, (o) => session.apps.readNamespacedReplicaSet(n, o)); break;
        case 'Deployment': obj = await req(session, signal, (o) => session.apps.readNamespacedDeployment(n, o)); break;
        case 'StatefulSet': obj = await req(session, signal, (o) => session.apps.readNamespacedStatefulSet(n, o)); break;
        case 'DaemonSet': obj = await req(session, signal, (o) => session.apps.readNamespacedDaemonSet(n, o)); break;
        case 'Job': obj = await req(session, signal, (o) => session.batch.readNamespacedJob(n, o)); break;
        case 'CronJob': obj = await req(session, signal, (o) => session.batch.readNamespacedCronJob(n, o)); break;
        default: obj = undefined;
      }
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      throw new Error(`${r.kind} ${r.name}: ${describeApiError(e, { verb: 'get', resource: r.kind.toLowerCase() + 's', namespace: ns, name: r.name, server: session.server })}`);
    }
    if (!obj) break;
    out.push({ kind: r.kind, name: r.name, object: obj });
    refs = obj.metadata?.ownerReferences ?? [];
  }
  return out;
}

/**
 * Collects the bundle into `<evidenceDir>/<ns>_<pod>_<timestamp>/`. Fails (throws) if the pod
 * cannot be read or nothing can be written; individual items that fail are listed in `errors`.
 */
export async function saveEvidence(session: ClusterSession, namespace: string, podName: string, evidenceDir: string, opts: EvidenceOptions = {}): Promise<EvidenceBundle> {
  const createdAt = new Date().toISOString();
  const dir = path.join(evidenceDir, `${SAFE(namespace)}_${SAFE(podName)}_${createdAt.replace(/[:.]/g, '-')}`);
  const signal = opts.signal;
  const op = (verb: string, resource: string, name?: string) => ({ verb, resource, namespace, name, server: session.server });
  let pod: k8s.V1Pod;
  try {
    pod = await req(session, signal, (o) => session.core.readNamespacedPod({ name: podName, namespace }, o));
  } catch (e) {
    throw new Error(`Evidence not saved: ${describeApiError(e, op('get', 'pods', podName))}`);
  }
  await fs.mkdir(dir, { recursive: true });
  const b = bundleWriter(dir);
  const { files, errors } = b;
  await b.write('pod.yaml', toYaml(pod), `Pod ${namespace}/${podName} as read at ${createdAt}`);

  try {
    for (const o of await ownerChain(session, namespace, pod, signal)) await b.write(`owner-${o.kind}-${SAFE(o.name)}.yaml`, toYaml(o.object), `${o.kind} ${o.name} (owner chain)`);
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    errors.push(`owner manifests: ${e instanceof Error && e.message ? e.message : describeApiError(e, op('get', 'owner', undefined))}`);
  }
  await saveContainerLogs(session, pod, namespace, podName, opts, b);
  try {
    const ev = await req(session, signal, (o) => session.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${podName},involvedObject.namespace=${namespace}` }, o));
    await b.write('events.yaml', toYaml(ev.items), `events for the pod (${ev.items.length})`);
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    errors.push(`events: ${describeApiError(e, op('list', 'events'))}`);
  }
  const trace = await saveEgressTrace(session, namespace, podName, opts, b);
  if (opts.extra) await b.write('context.json', JSON.stringify(opts.extra, null, 2), 'context (isolation plan, reason)');

  await b.write('README.md', readmeText(session, namespace, podName, createdAt, opts.reason, b, trace), 'this summary');
  const procNet = trace && Object.keys(trace.observation.raw).length ? { container: trace.observation.container, source: trace.observation.source, ...(trace.observation.trustWarning ? { warning: trace.observation.trustWarning } : {}) } : undefined;
  const manifest = { tool: 'k8s-guardrails', kind: 'EvidenceBundle', version: 1, createdAt, finishedAt: new Date().toISOString(), server: session.server, context: session.context, pod: { namespace, name: podName, uid: pod.metadata?.uid, resourceVersion: pod.metadata?.resourceVersion }, reason: opts.reason, ...(procNet ? { procNet } : {}), files, errors };
  await fs.writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2), { flag: 'wx' });
  files.push({ path: 'manifest.json', bytes: 0, sha256: '', description: 'index of the bundle' });
  return { dir, createdAt, files, errors, trace };
}

/** The files of a bundle folder as they are written (never overwriting), with their hashes, and what could not be collected. */
interface BundleWriter {
  files: EvidenceFile[];
  errors: string[];
  write(rel: string, content: string | Buffer, description: string): Promise<void>;
}

function bundleWriter(dir: string): BundleWriter {
  const files: EvidenceFile[] = [];
  return {
    files,
    errors: [],
    async write(rel, content, description) {
      const full = path.join(dir, rel);
      await fs.mkdir(path.dirname(full), { recursive: true });
      await fs.writeFile(full, content, { flag: 'wx' });
      const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      files.push({ path: rel, bytes: buf.length, sha256: createHash('sha256').update(buf).digest('hex'), description });
    },
  };
}

/** Every container's log, and its previous instance's when it restarted. */
async function saveContainerLogs(session: ClusterSession, pod: k8s.V1Pod, namespace: string, podName: string, opts: EvidenceOptions, b: BundleWriter): Promise<void> {
  const signal = opts.signal;
  const op = (verb: string, resource: string, name?: string) => ({ verb, resource, namespace, name, server: session.server });
  const containers = [...(pod.spec?.initContainers ?? []).map((c) => c.name), ...(pod.spec?.containers ?? []).map((c) => c.name), ...(pod.spec?.ephemeralContainers ?? []).map((c) => c.name)];
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])];
  for (const c of containers) {
    throwIfAborted(signal, 'evidence');
    try {
      const text = await req(session, signal, (o) => session.core.readNamespacedPodLog({ name: podName, namespace, container: c, limitBytes: opts.maxLogBytes ?? 5 * 1024 * 1024, timestamps: true }, o));
      await b.write(`logs/${SAFE(c)}.log`, String(text ?? ''), `logs of container ${c}`);
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      b.errors.push(`logs of ${c}: ${describeApiError(e, op('get', 'pods/log', podName))}`);
    }
    const st = statuses.find((s) => s.name === c);
    if ((st?.restartCount ?? 0) > 0 || st?.lastState?.terminated) {
      try {
        const text = await req(session, signal, (o) => session.core.readNamespacedPodLog({ name: podName, namespace, container: c, previous: true, limitBytes: opts.maxLogBytes ?? 5 * 1024 * 1024, timestamps: true }, o));
        await b.write(`logs/${SAFE(c)}.previous.log`, String(text ?? ''), `logs of the previous instance of container ${c}`);
      } catch (e) {
        if (e instanceof CancelledError) throw e;
        b.errors.push(`previous logs of ${c}: ${describeApiError(e, op('get', 'pods/log', podName))}`);
      }
    }
  }
}

/** The egress trace (given, or taken now) with the raw /proc/net text it was computed from. */
async function saveEgressTrace(session: ClusterSession, namespace: string, podName: string, opts: EvidenceOptions, b: BundleWriter): Promise<EvidenceBundle['trace']> {
  let trace = opts.trace;
  if (!trace) {
    try {
      trace = await traceEgress(session, namespace, podName, { signal: opts.signal, debugImage: opts.debugImage, debugContainer: opts.debugContainer });
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      b.errors.push(`egress trace: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (trace) {
    await b.write('egress-trace.txt', formatTrace(trace), 'egress trace (policies + observed connections)');
    await b.write('egress-trace.json', JSON.stringify(trace, null, 2), 'egress trace (machine-readable)');
    for (const [f, text] of Object.entries(trace.observation.raw)) await b.write(`proc-net/${f}`, text ?? '', `raw /proc/net/${f} read in container ${trace.observation.container}${trace.observation.source === 'debug-container' ? ' (ephemeral debug container: the debug image\'s tools)' : ' (UNTRUSTED: the suspect container\'s own cat)'}`);
    if (trace.observation.status !== 'ok') b.errors.push(`egress observation ${trace.observation.status}: ${trace.observation.message}`);
  }
  return trace;
}

function readmeText(session: ClusterSession, namespace: string, podName: string, createdAt: string, reason: string | undefined, b: BundleWriter, trace: EvidenceBundle['trace']): string {
  return [
    `# Evidence: pod ${namespace}/${podName}`,
    '',
    `Collected by k8s-guardrails at ${createdAt} from ${session.server} (context ${session.context}), before any change.`,
    reason ? `Reason: ${reason.replace(/[\u0000-\u001f\u007f]/g, ' ')}` : '',
    '',
    '| file | bytes | sha256 | what |',
    '| --- | --- | --- | --- |',
    ...b.files.map((f) => `| ${f.path} | ${f.bytes} | ${f.sha256} | ${f.description} |`),
    '',
    b.errors.length ? '## Not collected\n\n' + b.errors.map((e) => `- ${e.replace(/\n/g, ' ')}`).join('\n') : '',
    trace?.warnings.length ? '\n## Egress trace warnings\n\n' + trace.warnings.map((w) => `- ${w.replace(/\n/g, ' ')}`).join('\n') : '',
    '',
    'Server-supplied text (logs, events, annotations) is untrusted: view it as plain text.',
    '',
  ].join('\n');
}
