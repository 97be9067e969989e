/**
 * Render a kustomization with `kubectl kustomize` (or `kustomize build`)
 * through a wrapper kustomization in a temporary folder that asks for
 * `buildMetadata: [originAnnotations]`, so every rendered object says which
 * file it came from. The user's files are never edited.
 *
 * Bounded: a timeout, an output cap, and an AbortSignal for cancellation.
 * Never throws; failures come back as a message.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTool } from '../render/run-tool';

export interface RenderOptions {
  /** `kubectl` (default) runs `kubectl kustomize`; a path ending in `kustomize` runs `kustomize build`. */
  command?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Output cap (default 64 MiB). */
  maxBytes?: number;
  /** How paths appear in messages (default: as they are). */
  display?: (abs: string) => string;
}

export type RenderResult =
  | { ok: true; text: string; ms: number; wrapperDir: string; /** served from a render cache */ cached?: boolean }
  | { ok: false; message: string; ms: number; /** the command is not installed */ unavailable?: boolean; cancelled?: boolean; /** kustomize ran and reported this error (not a timeout or a crash) */ reported?: boolean; cached?: boolean };

export const DEFAULT_KUSTOMIZE_TIMEOUT_MS = 120_000;

export function commandLine(command: string, dir: string): [string, string[]] {
  const base = path.basename(command).replace(/\.exe$/i, '');
  return base === 'kustomize' ? [command, ['build', dir]] : [command, ['kustomize', dir]];
}

/** kubectl's `E1125 … "command failed" err="…"` (or `err=<` block) → kustomize's message, without our wrapper's part. */
export function cleanMessage(stderr: string, root: string, display: (abs: string) => string = (p) => p): string {
  let msg = stderr.trim();
  const block = /err=<\n([\s\S]*?)\n\s*>\s*$/.exec(msg);
  const quoted = /err="((?:[^"\\]|\\.)*)"\s*$/.exec(msg);
  if (block) msg = block[1].replace(/^\t/gm, '');
  else if (quoted) {
    try {
      msg = JSON.parse(`"${quoted[1]}"`);
    } catch {
      msg = quoted[1];
    }
  } else msg = msg.replace(/^Error:\s*/, '');
  msg = msg
    .replace(/^accumulating resources: accumulation err='accumulating resources from '[^']*': '[^']*' must resolve to a file': /, '')
    .replace(/^(?:recursed accumulation of path|couldn't make target for path) '[^']*': /, '');
  msg = msg.split(root + path.sep).join(display(root) + '/').split(`'${root}'`).join(`'${display(root)}'`);
  return msg.replace(/\s*\n\s*/g, ' ').trim() || 'kustomize exited with an error and no message';
}

export async function renderKustomization(dir: string, opts: RenderOptions = {}): Promise<RenderResult> {
  const t0 = Date.now();
  const command = opts.command || 'kubectl';
  const timeoutMs = opts.timeoutMs ?? DEFAULT_KUSTOMIZE_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
  if (opts.signal?.aborted) return { ok: false, message: 'cancelled', ms: 0, cancelled: true };
  let wrapper: string;
  try {
    wrapper = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-guardrails-kustomize-'));
    const rel = path.relative(wrapper, dir).split(path.sep).join('/');
    fs.writeFileSync(
      path.join(wrapper, 'kustomization.yaml'),
      `# Written by k8s-guardrails to learn where each rendered object comes from.\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ${JSON.stringify(rel)}\nbuildMetadata: [originAnnotations]\n`,
    );
  } catch (e) {
    return { ok: false, message: `cannot create a temporary folder: ${(e as Error).message}`, ms: Date.now() - t0 };
  }
  const [cmd, args] = commandLine(command, wrapper);
  try {
    const r = await runTool(command, cmd, args, { timeoutMs, maxBytes, signal: opts.signal, label: command });
    if (r.ok) return { ok: true, text: r.stdout, ms: Date.now() - t0, wrapperDir: wrapper };
    if (!r.exited) return { ...r, ms: Date.now() - t0 };
    if (/unknown command "kustomize"|unknown command: kustomize/.test(r.stderr)) return { ok: false, message: `${command} has no "kustomize" command`, ms: Date.now() - t0, unavailable: true };
    return { ok: false, message: cleanMessage(r.stderr, dir, opts.display), ms: Date.now() - t0, reported: true };
  } finally {
    fs.rmSync(wrapper, { recursive: true, force: true });
  }
}
