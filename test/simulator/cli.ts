#!/usr/bin/env node
/**
 * Runs the Kubernetes API server simulator until SIGINT/SIGTERM.
 *
 *   node out/test/simulator/cli.js [--port N] [--seed demo|empty] [--kubeconfig <path>] [--no-tls] [--verbose]
 */
import { startSimulator } from './server';

function usage(): never {
  process.stderr.write('usage: cli.js [--port N] [--seed demo|empty] [--kubeconfig <path>] [--no-tls] [--verbose]\n');
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let port = 0;
  let seed: 'demo' | 'empty' = 'demo';
  let kubeconfig: string | undefined;
  let tls = true;
  let verbose = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const val = () => { const v = args[++i]; if (v === undefined) usage(); return v; };
    if (a === '--port') port = Number(val());
    else if (a.startsWith('--port=')) port = Number(a.slice(7));
    else if (a === '--seed') seed = val() as 'demo' | 'empty';
    else if (a.startsWith('--seed=')) seed = a.slice(7) as 'demo' | 'empty';
    else if (a === '--kubeconfig') kubeconfig = val();
    else if (a.startsWith('--kubeconfig=')) kubeconfig = a.slice(13);
    else if (a === '--no-tls') tls = false;
    else if (a === '--verbose' || a === '-v') verbose = true;
    else if (a === '--help' || a === '-h') usage();
    else usage();
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) usage();
  if (seed !== 'demo' && seed !== 'empty') usage();
  const sim = await startSimulator({ port, seed, tls, kubeconfigPath: kubeconfig, verbose });
  process.stdout.write(`Kubernetes API simulator listening on ${sim.url}\n`);
  process.stdout.write(`kubeconfig: ${sim.kubeconfigPath}\n`);
  process.stdout.write(`try: kubectl --kubeconfig ${sim.kubeconfigPath} get pods -A\n`);
  let stopping = false;
  const stop = (sig: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${sig}: shutting down\n`);
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e) => {
  process.stderr.write(`simulator failed to start: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
