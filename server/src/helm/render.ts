/**
 * Render one release of a chart with the user's `helm template` (helm 3 or
 * 4). Bounded: a timeout, an output cap, and an AbortSignal for
 * cancellation. Never throws; failures come back as a message. The chart's
 * files are never edited and nothing is installed: `helm template` does not
 * talk to a cluster.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

export interface HelmRenderOptions {
  /** The helm executable (default `helm` on PATH). */
  command?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Output cap (default 64 MiB). */
  maxBytes?: number;
  /** How paths appear in messages (default: as they are). */
  display?: (abs: string) => string;
}

export interface HelmReleaseSpec {
  /** Absolute chart folder. */
  chart: string;
  name: string;
  namespace: string;
  /** Absolute values files, in order (`-f`). */
  values: string[];
  set: Record<string, string | number | boolean>;
}

export type HelmRenderResult =
  | { ok: true; text: string; ms: number }
  | { ok: false; message: string; ms: number; /** helm is not installed */ unavailable?: boolean; cancelled?: boolean };

export const DEFAULT_HELM_TIMEOUT_MS = 120_000;

/** `--set` syntax: a comma separates assignments, so a literal one is escaped. */
const setValue = (v: string | number | boolean) => String(v).replace(/\\/g, '\\\\').replace(/,/g, '\\,');

export function helmArgs(r: HelmReleaseSpec): string[] {
  const args = ['template', r.name, r.chart, '--namespace', r.namespace];
  for (const v of r.values) args.push('--values', v);
  for (const [k, v] of Object.entries(r.set)) args.push('--set', `${k}=${setValue(v)}`);
  return args;
}

/** helm's `Error: …` (and its `helm.go:NN:` debug prefix) → the message, with our absolute paths shown as the user's. */
export function cleanHelmMessage(stderr: string, chart: string, display: (abs: string) => string = (p) => p): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(/^helm\.go:\d+:\s*/, '').trim())
    .filter((l) => l && !/^(WARNING|walk\.go|install\.go):/.test(l));
  let msg = lines.filter((l) => l.startsWith('Error:')).join(' ') || lines.join(' ');
  msg = msg.replace(/^Error:\s*/, '').replace(/\s*Use --debug flag to render out invalid YAML$/, '');
  msg = msg.split(chart + path.sep).join(display(chart) + '/').split(chart).join(display(chart));
  return msg.trim() || 'helm exited with an error and no message';
}

export async function renderRelease(release: HelmReleaseSpec, opts: HelmRenderOptions = {}): Promise<HelmRenderResult> {
  const t0 = Date.now();
  const command = opts.command || 'helm';
  const timeoutMs = opts.timeoutMs ?? DEFAULT_HELM_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
  if (opts.signal?.aborted) return { ok: false, message: 'cancelled', ms: 0, cancelled: true };
  return new Promise<HelmRenderResult>((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(command, helmArgs(release), { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, cwd: release.chart });
    } catch (e) {
      resolve({ ok: false, message: `cannot run ${command}: ${(e as Error).message}`, ms: Date.now() - t0, unavailable: true });
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: HelmRenderResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const kill = () => {
      try {
        child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => {
      kill();
      finish({ ok: false, message: `${command} template did not finish within ${Math.round(timeoutMs / 1000)} s`, ms: Date.now() - t0 });
    }, timeoutMs);
    const onAbort = () => {
      kill();
      finish({ ok: false, message: 'cancelled', ms: Date.now() - t0, cancelled: true });
    };
    opts.signal?.addEventListener('abort', onAbort);
    child.stdout!.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        kill();
        finish({ ok: false, message: `the rendered output is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB`, ms: Date.now() - t0 });
      } else out.push(c);
    });
    child.stderr!.on('data', (c: Buffer) => {
      if (err.length < 1000) err.push(c);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      const missing = e.code === 'ENOENT';
      finish({
        ok: false,
        message: missing ? `${command} is not installed (not found${path.isAbsolute(command) ? '' : ' on PATH'})` : `cannot run ${command}: ${e.message}`,
        ms: Date.now() - t0,
        unavailable: missing || e.code === 'EACCES',
      });
    });
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) finish({ ok: true, text: Buffer.concat(out).toString('utf8'), ms: Date.now() - t0 });
      else if (/unknown command "template"/.test(stderr)) finish({ ok: false, message: `${command} has no "template" command (is it helm 3 or 4?)`, ms: Date.now() - t0, unavailable: true });
      else finish({ ok: false, message: cleanHelmMessage(stderr, release.chart, opts.display), ms: Date.now() - t0 });
    });
  });
}
