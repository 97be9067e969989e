/**
 * Running a render tool (kubectl kustomize, kustomize build, helm template) as a child process: bounded by
 * a time limit and an output size, cancelled by a signal, and telling "not installed" apart from "failed".
 * Shared by server/src/kustomize and server/src/helm; each reads the tool's stderr its own way.
 */
import type { spawn as Spawn } from 'node:child_process';
import * as path from 'node:path';

export type ToolRun =
  /** Exit 0: what it wrote. */
  | { ok: true; stdout: string; ms: number }
  /** It ran and failed (non-zero exit): its stderr, for the caller to make sense of. */
  | { ok: false; exited: true; stderr: string; ms: number }
  /** It could not run or was stopped: the sentence says why. */
  | { ok: false; exited?: false; message: string; ms: number; unavailable?: boolean; cancelled?: boolean };

export interface ToolOptions {
  cwd?: string;
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
  /** How the run is named in the time-limit message, e.g. `helm template`. */
  label: string;
}

/** Runs `cmd args`; `command` is how the user named the tool (in messages). */
export function runTool(command: string, cmd: string, args: string[], opts: ToolOptions): Promise<ToolRun> {
  const t0 = Date.now();
  if (opts.signal?.aborted) return Promise.resolve({ ok: false, message: 'cancelled', ms: 0, cancelled: true });
  return new Promise<ToolRun>((resolve) => {
    let child: ReturnType<typeof Spawn>;
    try {
      // Required here: most scans render nothing, and loading child_process (and net) costs their start-up.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { spawn } = require('node:child_process') as typeof import('node:child_process');
      child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, ...(opts.cwd ? { cwd: opts.cwd } : {}) });
    } catch (e) {
      resolve({ ok: false, message: `cannot run ${command}: ${(e as Error).message}`, ms: Date.now() - t0, unavailable: true });
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: ToolRun) => {
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
      finish({ ok: false, message: `${opts.label} did not finish within ${Math.round(opts.timeoutMs / 1000)} s`, ms: Date.now() - t0 });
    }, opts.timeoutMs);
    const onAbort = () => {
      kill();
      finish({ ok: false, message: 'cancelled', ms: Date.now() - t0, cancelled: true });
    };
    opts.signal?.addEventListener('abort', onAbort);
    child.stdout!.on('data', (c: Buffer) => {
      size += c.length;
      if (size > opts.maxBytes) {
        kill();
        finish({ ok: false, message: `the rendered output is larger than ${Math.round(opts.maxBytes / 1024 / 1024)} MiB`, ms: Date.now() - t0 });
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
      if (code === 0) finish({ ok: true, stdout: Buffer.concat(out).toString('utf8'), ms: Date.now() - t0 });
      else finish({ ok: false, exited: true, stderr: Buffer.concat(err).toString('utf8'), ms: Date.now() - t0 });
    });
  });
}
