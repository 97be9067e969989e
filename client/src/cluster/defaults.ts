/**
 * Defaults shared by the editor commands and the CLI (`k8s-guardrails cluster …`).
 * Plain node.
 */
import * as os from 'node:os';
import * as path from 'node:path';

/** Where Isolate saves evidence when no folder is configured: outside any workspace. */
export function defaultEvidenceDir(): string {
  return path.join(os.homedir(), 'k8s-guardrails-evidence');
}
