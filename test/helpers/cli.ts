/** The built CLI (`bin/k8s-guardrails.js`) as a process, and temporary trees of files to scan. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO } from './lsp-client';

export const BIN = path.join(REPO, 'bin/k8s-guardrails.js');

/** What the tests read of a finding in `--format json` output. */
export interface JsonFinding {
  rule: string;
  severity: string;
  file: string;
  message: string;
  range: { start: { line: number; character: number } };
  resource?: { kind: string; name: string; namespace?: string };
  kustomization?: string;
  helm?: { chart: string; release: string };
  suppressed?: { by: string; reason: string };
}

/** A fresh temporary directory holding `files` (relative paths; folders are created). */
export function tmpTree(files: Record<string, string | Buffer>, prefix = 'k8s-guardrails-cli-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/**
 * `k8s-guardrails scan <args>` in `cwd`: exit code, output, and the findings of its JSON output
 * (read when asked for; a run that printed no JSON fails the test there, with its stderr).
 */
export function scanCli(cwd: string, args: string[], input?: string): { code: number | null; stdout: string; stderr: string; readonly findings: JsonFinding[] } {
  const r = spawnSync(process.execPath, [BIN, 'scan', ...args], { cwd, input, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    get findings(): JsonFinding[] {
      if (!r.stdout) throw new Error(`scan ${args.join(' ')} printed no JSON (exit ${r.status}): ${r.stderr}`);
      return (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
    },
  };
}

/** A Pod with a privileged container (privileged-container and friends report on it). */
export const PRIVILEGED_POD = `apiVersion: v1
kind: Pod
metadata:
  name: agent
  namespace: ops
spec:
  containers:
  - name: app
    image: busybox:1.36
    securityContext:
      privileged: true
`;
