/**
 * The CLI (bundle server/out/cli.js, which server/out/main.js loads, see
 * entry.ts): `k8s-guardrails scan …` for CI, `k8s-guardrails cluster …`
 * (its operations in a separate bundle, loaded on demand); `k8s-guardrails
 * lsp --stdio` (or `--node-ipc`, as the VS Code client starts it) for
 * editors is the language server's own bundle, server/out/lsp.js.
 */
import { loadBundle } from './load-bundle';
import { scan, SCAN_USAGE } from './cli/scan';
import { ConfigFileError, UsageError } from './cli/errors';
import { rbac } from './cli/rbac';
import { cluster } from './cli/cluster';

declare const K8S_GUARDRAILS_VERSION: string;

const USAGE = `k8s-guardrails — secure Kubernetes YAML

Usage:
  k8s-guardrails scan [files|dirs|-]... [options]   analyse manifests (see: scan --help)
  k8s-guardrails rbac who-can|permissions ...       RBAC questions from manifests (see: rbac --help)
  k8s-guardrails cluster scan|trace|isolate|release live-cluster operations (see: cluster --help)
  k8s-guardrails lsp --stdio                        run the language server on stdio
  k8s-guardrails --version

${SCAN_USAGE.split('\n').slice(2).join('\n')}`;

function readStdin(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks)));
    process.stdin.on('error', reject);
  });
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'scan':
      return scan(rest, {
        stdout: (s) => process.stdout.write(s),
        stderr: (s) => process.stderr.write(s),
        readStdin,
        isTTY: !!process.stdout.isTTY,
        columns: process.stdout.columns,
        env: process.env,
      });
    case 'rbac':
      return rbac(rest, {
        stdout: (s) => process.stdout.write(s),
        stderr: (s) => process.stderr.write(s),
        readStdin,
        isTTY: !!process.stdout.isTTY && !process.env.NO_COLOR,
      });
    case 'cluster':
      // the operations (and @kubernetes/client-node) load from server/out/cluster-cli.js only here
      return cluster(rest, {
        stdout: (s) => process.stdout.write(s),
        stderr: (s) => process.stderr.write(s),
      });
    case 'lsp': {
      // Only when this bundle is run directly (server/out/main.js starts lsp.js itself, see entry.ts).
      const { startServer } = loadBundle('lsp.js', 'lsp/server.js') as typeof import('./lsp/server');
      startServer();
      return -1; // keeps running
    }
    case '--version':
    case '-v':
      process.stdout.write(`${typeof K8S_GUARDRAILS_VERSION === 'string' ? K8S_GUARDRAILS_VERSION : 'dev'}\n`);
      return 0;
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(USAGE + '\n');
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

/** Flush stdout before exiting so piped JSON is never truncated. */
function exit(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.exit(code));
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) exit(code);
  },
  (e) => {
    if (e instanceof ConfigFileError) {
      process.stderr.write(`k8s-guardrails: ${e.message}\n`);
    } else if (e instanceof UsageError || (e as { code?: string })?.code?.startsWith?.('ERR_PARSE_ARGS')) {
      process.stderr.write(`k8s-guardrails: ${(e as Error).message}\nRun 'k8s-guardrails --help' for usage.\n`);
    } else {
      process.stderr.write(`k8s-guardrails: internal error: ${(e as Error)?.stack ?? e}\n`);
    }
    exit(2);
  },
);
