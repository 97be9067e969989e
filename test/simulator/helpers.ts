/** Shared helpers for the simulator's own tests. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { Simulator } from './server';

export interface RunResult { code: number; stdout: string; stderr: string }

/** Runs the real kubectl against the simulator (async: the server lives in this process). */
export function kubectl(sim: Simulator, args: string[], opts: { context?: 'token' | 'cert'; input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  const base = ['--kubeconfig', sim.kubeconfigPath, '--cache-dir', join(sim.kubeconfigPath, '..', 'kubectl-cache'), '--request-timeout=20s'];
  if (opts.context) base.push('--context', opts.context === 'cert' ? sim.contexts.cert! : sim.contexts.token);
  return new Promise((resolve) => {
    const child = execFile('kubectl', [...base, ...args], { timeout: opts.timeoutMs ?? 30000, env: { ...process.env, KUBECONFIG: '', HOME: join(sim.kubeconfigPath, '..') } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? Number((err as { code?: unknown }).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

export function kubeConfig(sim: Simulator, context: 'token' | 'cert' = 'token'): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(sim.kubeconfigYaml({ context }));
  return kc;
}

/** Parses the Status body of a client-node ApiException. */
export function statusOf(e: unknown): { code: number; status: Record<string, unknown> } {
  const err = e as { code?: number; body?: unknown };
  let status: Record<string, unknown> = {};
  if (typeof err.body === 'string') { try { status = JSON.parse(err.body); } catch { /* not JSON */ } }
  else if (err.body && typeof err.body === 'object') status = err.body as Record<string, unknown>;
  return { code: Number(err.code), status };
}

export class Collect extends Writable {
  chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void { this.chunks.push(Buffer.from(chunk)); cb(); }
  get text(): string { return Buffer.concat(this.chunks).toString('utf8'); }
}

export interface ExecOutcome { stdout: string; stderr: string; status: k8s.V1Status | undefined }

/** Runs a command with client-node's Exec (WebSocket) and waits for the status frame and socket close. */
export async function execPod(kc: k8s.KubeConfig, ns: string, pod: string, container: string, command: string[]): Promise<ExecOutcome> {
  const exec = new k8s.Exec(kc);
  const stdout = new Collect();
  const stderr = new Collect();
  let status: k8s.V1Status | undefined;
  const ws = await exec.exec(ns, pod, container, command, stdout, stderr, null, false, (s) => { status = s; });
  await new Promise<void>((resolve) => {
    if (ws.readyState === 3) resolve();
    else ws.addEventListener('close', () => resolve());
  });
  return { stdout: stdout.text, stderr: stderr.text, status };
}
