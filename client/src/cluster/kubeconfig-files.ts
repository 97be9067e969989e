/**
 * Which kubeconfig files the cluster features would read, and whether one
 * exists, without reading any: the explicit path (the machine-scoped setting),
 * else the files of `KUBECONFIG`, else `~/.kube/config` (the order of
 * loadKubeConfig in connection.ts). Plain node, no @kubernetes/client-node: the
 * extension's activation bundle uses it to decide whether to show the cluster
 * status bar item.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function expandHome(p: string): string {
  if (p === '~') return os.homedir();
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(os.homedir(), p.slice(2));
  return p;
}

/** The candidate files, in loadKubeConfig's order (any one existing is enough for it). */
export function kubeconfigFiles(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  if (explicit?.trim()) return [expandHome(explicit.trim())];
  if (env.KUBECONFIG?.trim()) return env.KUBECONFIG.split(path.delimiter).map((f) => f.trim()).filter(Boolean).map(expandHome);
  return [path.join(os.homedir(), '.kube', 'config')];
}

/** True when one of the candidate files exists: fs.stat only, the contents are not read. */
export function kubeconfigExists(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  return kubeconfigFiles(explicit, env).some((f) => {
    try {
      return fs.statSync(f).isFile();
    } catch {
      return false;
    }
  });
}
