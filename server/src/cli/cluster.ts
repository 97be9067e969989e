/**
 * `k8s-guardrails cluster scan|trace|isolate|release`: the editor's live-cluster
 * operations for runbooks and alert pipelines (e.g. Falco → falcosidekick → isolate).
 *
 * This module only parses and validates the command line (every name is checked as
 * a Kubernetes name before any request); the operations, with
 * @kubernetes/client-node, live in a separate bundle (server/out/cluster-cli.js,
 * built from ./cluster-ops.ts) that is loaded only here, so `scan`, `rbac` and
 * `lsp` never load it.
 *
 * Exit status: 0 done (and verified), 1 applied but not verified or not isolated
 * (scan: findings), 2 error or refused — nothing changed. See docs/cli.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SEVERITIES } from '../engine';
import { visibleControls } from '../../../shared/text/inert';
import { parseOptions, UsageError } from './errors';
import type { ClusterIO, ClusterRequest } from './cluster-ops';

export type { ClusterIO, ClusterRequest } from './cluster-ops';

export const CLUSTER_USAGE = `Usage: k8s-guardrails cluster <command> [options]

Live-cluster operations, as in the editor (non-interactive: destructive
commands need --yes, or --dry-run).

Commands:
  scan                              analyse the cluster's objects with the rules
                                    of "scan" (namespaces, workloads, policies, RBAC)
  trace   <pod> | <ns>/<pod>        egress trace: what the pod talks to, and what
                                    its NetworkPolicies allow (read-only)
  isolate <pod> | <ns>/<pod>        quarantine the pod (evidence first, deny-all
                                    NetworkPolicy, labels removed, verified)
  release <pod> | <ns>/<pod>        undo isolate (original labels restored,
                                    quarantine policy deleted if unused)

Options:
  --kubeconfig <file>     kubeconfig (default: KUBECONFIG, else ~/.kube/config)
  --context <name>        kubeconfig context (default: its current-context)
  -n, --namespace <ns>    namespace of the pod (default: the context's, else default)
  --format text|json      output format (default: text)
  --dry-run               send every write with dryRun=All: validated and
                          admitted by the API server, nothing stored
  -y, --yes               really change the cluster (isolate, release); without
                          --yes or --dry-run the plan is printed and nothing changes
  --reason <text>         why (required for isolate --yes: audit annotation and
                          evidence bundle)
  --evidence-dir <dir>    where isolate saves the evidence bundle (default:
                          ~/k8s-guardrails-evidence, as the editor)
  --container <name>      trace: the container to exec into (default: the first)
  --timeout <s>           time limit per API request (default: 20)
  --fail-on <level>       scan: exit 1 only for findings at or above: error,
                          warning, info, hint (default) or none
  -h, --help              show this help

Exit status:
  0  done: isolated and verified, released, dry run accepted, trace complete,
     scan without failing findings
  1  applied but not verified, or NOT isolated (hostNetwork pod, network
     plugin that does not enforce NetworkPolicy, rollback incomplete, release
     half done); trace incomplete (sockets not read); scan: failing findings
  2  usage error, invalid name, refused (no --yes), the operation failed and
     nothing was changed, or a list of the scan failed (incomplete)`;

const OPTIONS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  format: { type: 'string', default: 'text' },
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  reason: { type: 'string' },
  'evidence-dir': { type: 'string' },
  container: { type: 'string' },
  timeout: { type: 'string' },
  'fail-on': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const COMMANDS = ['scan', 'trace', 'isolate', 'release'] as const;

/** DNS-1123 label: namespaces. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** DNS-1123 subdomain: pod names (at most 253 characters, dot-separated labels). */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A value from the command line (maybe from an alert: untrusted) shown in an error: quoted, controls and bidi visible, short. */
function shown(s: string): string {
  return visibleControls(JSON.stringify(s.length > 80 ? s.slice(0, 80) + '…' : s));
}

export function checkNamespace(ns: string): string {
  if (!DNS_LABEL.test(ns)) throw new UsageError(`invalid namespace ${shown(ns)}: a Kubernetes namespace is a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)`);
  return ns;
}

export function checkPodName(pod: string): string {
  if (pod.length > 253 || !DNS_SUBDOMAIN.test(pod)) throw new UsageError(`invalid pod name ${shown(pod)}: a Kubernetes pod name is a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', at most 253 characters)`);
  return pod;
}

/** A container name is a DNS-1123 label too. */
function checkContainer(c: string): string {
  if (!DNS_LABEL.test(c)) throw new UsageError(`invalid container name ${shown(c)}: a DNS-1123 label`);
  return c;
}

/** Parses and validates `cluster …` arguments (throws UsageError). Exported for tests and the ops bundle. */
export function parseClusterArgs(argv: string[]): ClusterRequest | 'help' {
  const { values: v, positionals } = parseOptions(argv, OPTIONS);
  if (v.help) return 'help';
  const [command, ...args] = positionals;
  if (!command) throw new UsageError(`missing command: one of ${COMMANDS.join(', ')}`);
  if (!(COMMANDS as readonly string[]).includes(command)) throw new UsageError(`unknown cluster command ${shown(command)}: one of ${COMMANDS.join(', ')}`);
  const op = command as ClusterRequest['op'];
  if (v.format !== 'text' && v.format !== 'json') throw new UsageError(`invalid --format ${shown(String(v.format))}: text or json`);
  const onlyFor = (opt: string, ops: string[], given: unknown) => {
    if (given !== undefined && !ops.includes(op)) throw new UsageError(`--${opt} does not apply to "cluster ${op}"`);
  };
  onlyFor('dry-run', ['isolate', 'release'], v['dry-run']);
  onlyFor('yes', ['isolate', 'release'], v.yes);
  onlyFor('reason', ['isolate'], v.reason);
  onlyFor('evidence-dir', ['isolate'], v['evidence-dir']);
  onlyFor('container', ['trace'], v.container);
  onlyFor('fail-on', ['scan'], v['fail-on']);
  onlyFor('namespace', ['trace', 'isolate', 'release'], v.namespace);

  let timeoutMs = 20_000;
  if (v.timeout !== undefined) {
    const n = Number(v.timeout);
    if (!/^\d+(\.\d+)?$/.test(v.timeout) || !(n > 0) || n > 3600) throw new UsageError(`invalid --timeout ${shown(v.timeout)}: seconds, more than 0 and at most 3600`);
    timeoutMs = Math.round(n * 1000);
  }
  if (v.kubeconfig !== undefined) {
    if (!v.kubeconfig.trim()) throw new UsageError('--kubeconfig is empty');
    if (!fs.existsSync(v.kubeconfig)) throw new UsageError(`--kubeconfig ${shown(v.kubeconfig)}: no such file`);
  }
  if (v.context !== undefined && !v.context.trim()) throw new UsageError('--context is empty');

  const req: ClusterRequest = {
    op,
    format: v.format,
    kubeconfig: v.kubeconfig,
    context: v.context,
    dryRun: !!v['dry-run'],
    yes: !!v.yes,
    timeoutMs,
  };

  if (op === 'scan') {
    if (args.length) throw new UsageError(`"cluster scan" takes no arguments (got ${shown(args[0])})`);
    const failOn = v['fail-on'] ?? 'hint';
    if (failOn !== 'none' && !(SEVERITIES as readonly string[]).includes(failOn)) throw new UsageError(`invalid --fail-on ${shown(failOn)}: error, warning, info, hint or none`);
    req.failOn = failOn;
    return req;
  }

  if (args.length !== 1) throw new UsageError(`"cluster ${op}" takes one pod: <pod> or <namespace>/<pod>${args.length ? ` (got ${args.length})` : ''}`);
  const target = args[0];
  const slash = target.indexOf('/');
  let namespace = v.namespace;
  let pod = target;
  if (slash >= 0) {
    const ns = target.slice(0, slash);
    pod = target.slice(slash + 1);
    if (namespace !== undefined && namespace !== ns) throw new UsageError(`the pod ${shown(target)} names namespace ${shown(ns)} but --namespace is ${shown(namespace)}`);
    namespace = ns;
  }
  if (namespace !== undefined) req.namespace = checkNamespace(namespace);
  req.pod = checkPodName(pod);
  if (v.container !== undefined) req.container = checkContainer(v.container);

  if (op === 'isolate' || op === 'release') {
    if (v.yes && v['dry-run']) throw new UsageError('--yes and --dry-run together: choose one');
  }
  if (op === 'isolate') {
    if (v.reason !== undefined) {
      // our own text, but it lands in an annotation and the evidence: one line, no control characters
      // eslint-disable-next-line no-control-regex
      const r = v.reason.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g, ' ').trim();
      if (!r) throw new UsageError('--reason is empty');
      if (r.length > 1000) throw new UsageError('--reason is longer than 1000 characters');
      req.reason = r;
    }
    if (v.yes && !req.reason) throw new UsageError('isolate --yes needs --reason "<why>" (recorded in the audit annotation and the evidence bundle)');
    if (v['evidence-dir'] !== undefined) {
      if (!v['evidence-dir'].trim()) throw new UsageError('--evidence-dir is empty');
      req.evidenceDir = path.resolve(v['evidence-dir']);
    }
  }
  return req;
}

/** The operations bundle: server/out/cluster-cli.js next to this bundle; from tsc output, the module itself. */
function loadOps(): typeof import('./cluster-ops') {
  const bundled = path.join(__dirname, 'cluster-cli.js');
  const file = fs.existsSync(bundled) ? bundled : path.join(__dirname, 'cluster-ops.js');
  // a computed path: esbuild leaves it to run time, so client-node stays out of main.js
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file);
}

export async function cluster(argv: string[], io: ClusterIO): Promise<number> {
  const req = parseClusterArgs(argv);
  if (req === 'help') {
    io.stdout(CLUSTER_USAGE + '\n');
    return 0;
  }
  return loadOps().runCluster(req, io);
}
