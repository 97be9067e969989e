/**
 * Render one release of a chart with the user's `helm template` (helm 3 or
 * 4). Bounded: a timeout, an output cap, and an AbortSignal for
 * cancellation. Never throws; failures come back as a message. The chart's
 * files are never edited and nothing is installed: `helm template` does not
 * talk to a cluster.
 */
import * as path from 'node:path';
import { runTool } from '../render/run-tool';

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
  | { ok: true; text: string; ms: number; /** served from a render cache */ cached?: boolean }
  | { ok: false; message: string; ms: number; /** helm is not installed */ unavailable?: boolean; cancelled?: boolean; /** helm ran and reported this error (not a timeout or a crash) */ reported?: boolean; cached?: boolean };

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
  const command = opts.command || 'helm';
  const timeoutMs = opts.timeoutMs ?? DEFAULT_HELM_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
  const r = await runTool(command, command, helmArgs(release), { cwd: release.chart, timeoutMs, maxBytes, signal: opts.signal, label: `${command} template` });
  if (r.ok) return { ok: true, text: r.stdout, ms: r.ms };
  if (!r.exited) return r;
  if (/unknown command "template"/.test(r.stderr)) return { ok: false, message: `${command} has no "template" command (is it helm 3 or 4?)`, ms: r.ms, unavailable: true };
  return { ok: false, message: cleanHelmMessage(r.stderr, release.chart, opts.display), ms: r.ms, reported: true };
}
