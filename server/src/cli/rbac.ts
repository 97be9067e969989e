/**
 * `k8s-guardrails rbac who-can|permissions`: RBAC questions answered from
 * manifests (like `kubectl auth can-i --list` / `kubectl who-can`, but for
 * files). All inputs form one workspace. Exit status: 0 answered (even when
 * nobody can), 2 usage error or unreadable input.
 */
import { AnalysisHost, formatSubject, parseSubject, subjectKey, stepLocation, type ChainStep, type GrantChain, type Permission, type SubjectRef } from '../engine';
import { parseOptions, UsageError } from './errors';
import { CLI_MAX_FILE_BYTES, collectInputs, readInput } from './inputs';
import type { ScanIO } from './scan';

export const RBAC_USAGE = `Usage:
  k8s-guardrails rbac who-can <verb> <resource> [-n <namespace>|--cluster-wide] [options] <files|dirs|globs>...
  k8s-guardrails rbac permissions <subject> [-n <namespace>] [options] <files|dirs|globs>...

RBAC answered from manifests: all inputs form one workspace (Roles,
ClusterRoles with aggregation, bindings, ServiceAccounts; built-in
ClusterRoles such as cluster-admin, admin, edit and view are known).

who-can    subjects (as written in bindings) allowed to <verb> <resource>.
           <resource>: pods, pods/exec, deployments.apps, or a non-resource
           URL such as /metrics. Default scope: any namespace (each grant
           says where); -n <ns>: in that namespace (its RoleBindings and
           the ClusterRoleBindings); --cluster-wide: ClusterRoleBindings only.
permissions
           the effective permission table of <subject> (like
           kubectl auth can-i --list), including grants to its implicit
           groups (system:serviceaccounts, system:authenticated, ...).
           <subject>: serviceaccount:<ns>:<name> (or sa:<ns>:<name>,
           system:serviceaccount:<ns>:<name>), user:<name>, group:<name>.
           -n <ns>: only rows that apply in that namespace.

Options:
  --format text|json          output format (default: text)
  -n, --namespace <ns>        namespace (see above)
  --cluster-wide              who-can: cluster-wide grants only
  --api-group <group>         who-can: API group (default: inferred for
                              well-known resources)
  --resource-name <name>      who-can: a named object (rules restricted by
                              resourceNames then count)
  -h, --help                  show this help

Exit status: 0 answered, 2 usage error or unreadable input.`;

const OPTIONS = {
  format: { type: 'string', default: 'text' },
  namespace: { type: 'string', short: 'n' },
  'cluster-wide': { type: 'boolean' },
  'api-group': { type: 'string' },
  'resource-name': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const parse = (argv: string[]) => parseOptions(argv, OPTIONS);

// ------------------------------------------------------------------------------------------------ presentation

interface StepJson {
  kind: string;
  name: string;
  namespace?: string;
  builtin: boolean;
  file?: string;
  line?: number;
}

function stepJson(step: ChainStep, role = false): StepJson {
  const out: StepJson = { kind: step.kind, name: step.name, builtin: step.builtin };
  if (step.namespace !== undefined) out.namespace = step.namespace;
  const loc = stepLocation(step, role);
  if (loc) {
    out.file = loc.res.file.uri;
    out.line = loc.res.range(loc.path).start.line + 1;
  }
  return out;
}

function stepText(step: ChainStep, role = false): string {
  const label = `${step.kind} ${step.namespace ? `${step.namespace}/` : ''}${step.name || '(unnamed)'}`;
  const loc = stepLocation(step, role);
  if (!loc) return `${label}${step.builtin ? ' (built-in)' : ''}`;
  return `${label} (${loc.res.file.uri}:${loc.res.range(loc.path).start.line + 1})`;
}

export function chainText(chain: GrantChain): string {
  const parts = [stepText(chain.binding), stepText(chain.role, true), ...chain.via.map((v) => `aggregates ${stepText(v, true)}`)];
  const loc = stepLocation(chain.rule);
  parts.push(`rules[${chain.rule.index}]${loc ? ` (${loc.res.file.uri}:${loc.res.range(loc.path).start.line + 1})` : ''}`);
  return parts.join(' → ');
}

export function permissionJson(p: Permission) {
  const c = p.chain;
  return {
    scope: p.clusterWide ? 'cluster' : 'namespace',
    ...(p.clusterWide ? {} : { namespace: p.namespace }),
    apiGroups: p.apiGroups,
    resources: p.resources,
    resourceNames: p.resourceNames,
    verbs: p.verbs,
    nonResourceURLs: p.nonResourceURLs,
    grantedTo: c.subject,
    via: chainText(c),
    chain: { binding: stepJson(c.binding), role: stepJson(c.role, true), aggregatedFrom: c.via.map((v) => stepJson(v, true)), rule: { ...stepJson(c.rule), index: c.rule.index } },
  };
}

function subjectJson(s: SubjectRef) {
  return { key: subjectKey(s), kind: s.kind, name: s.name, ...(s.namespace !== undefined ? { namespace: s.namespace } : {}) };
}

/**
 * One row per "pods", "deployments.apps", "jobs.batch", "widgets.*" (kubectl's
 * notation; group × resource) and per non-resource URL, with the names it
 * is restricted to.
 */
function resourceRows(p: Permission): string[] {
  const names = p.resourceNames.length ? ` (only ${p.resourceNames.join(', ')})` : '';
  const out: string[] = [];
  for (const r of p.resources) for (const g of p.apiGroups.length ? p.apiGroups : ['']) out.push(`${g === '' ? r : `${r}.${g}`}${names}`);
  for (const u of p.nonResourceURLs) out.push(u === '*' ? '* (non-resource URLs)' : u);
  return out;
}

const verbsText = (verbs: string[]) => (verbs.includes('*') ? '* (all verbs)' : verbs.join(', '));

const stepLabel = (step: ChainStep) => `${step.kind} ${step.namespace ? `${step.namespace}/` : ''}${step.name || '(unnamed)'}${step.builtin ? ' (built-in)' : ''}`;

/** Binding → role (→ aggregated roles), and the group the binding names when it is not the subject itself. */
function viaText(p: Permission, subject: string): string {
  const c = p.chain;
  const chain = [stepLabel(c.binding), stepLabel(c.role), ...c.via.map((v) => `aggregates ${stepLabel(v)}`)].join(' → ');
  return c.subject === subject ? chain : `${chain} (as ${c.subject.replace(/^(group|user|serviceaccount):/, '$1 ')})`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

const whereText = (p: Permission) => (p.clusterWide ? 'cluster-wide' : `namespace ${p.namespace}`);

// ------------------------------------------------------------------------------------------------ command

async function loadWorkspace(files: string[], io: ScanIO): Promise<{ host: AnalysisHost; failed: boolean; count: number }> {
  const cwd = io.cwd ?? process.cwd();
  let failed = false;
  const problems = {
    error: (m: string) => {
      failed = true;
      io.stderr(`k8s-guardrails: error: ${m}\n`);
    },
    note: (m: string) => io.stderr(`k8s-guardrails: ${m}\n`),
  };
  if (files.includes('-')) throw new UsageError('rbac reads files, not standard input');
  const inputs = collectInputs(files, { cwd, problems });
  const host = new AnalysisHost({ maxFileBytes: CLI_MAX_FILE_BYTES, maxFileSetting: 'the CLI limit' });
  let count = 0;
  for (const input of inputs) {
    const read = readInput(input.path, cwd, CLI_MAX_FILE_BYTES);
    // A file not analysed may hold the binding that answers the question: the answer would be incomplete.
    if ('error' in read) problems.error(`cannot analyse ${input.path}: ${read.error}`);
    else if ('skipped' in read) problems.error(`cannot analyse ${input.path}: ${read.skipped}`);
    else {
      const f = host.setFile(input.path, read.text);
      if (f.skipped) problems.error(`cannot analyse ${input.path}: ${f.skipped}`);
      else count++;
    }
  }
  return { host, failed, count };
}

export async function rbac(argv: string[], io: ScanIO): Promise<number> {
  const { values, positionals } = parse(argv);
  const [sub, ...args] = positionals;
  if (values.help || sub === 'help') {
    io.stdout(RBAC_USAGE + '\n');
    return 0;
  }
  const format = values.format!;
  if (format !== 'text' && format !== 'json') throw new UsageError(`unknown --format '${format}' (expected text or json)`);
  if (sub === 'who-can') {
    const [verb, resource, ...files] = args;
    if (!verb || !resource) throw new UsageError('rbac who-can needs a verb and a resource, e.g. rbac who-can get secrets manifests/');
    if (!files.length) throw new UsageError('no input: give files, directories or globs');
    if (values['cluster-wide'] && values.namespace !== undefined) throw new UsageError('--cluster-wide and --namespace cannot be combined');
    const namespace = values['cluster-wide'] ? undefined : (values.namespace ?? '*');
    const { host, failed } = await loadWorkspace(files, io);
    const rw = host.analysis().rbac();
    const entries = rw.model.whoCan(verb, resource, {
      namespace,
      ...(values['api-group'] !== undefined ? { apiGroup: values['api-group'] } : {}),
      ...(values['resource-name'] !== undefined ? { resourceName: values['resource-name'] } : {}),
    });
    const scope = namespace === undefined || resource.startsWith('/') ? 'cluster-wide' : namespace === '*' ? 'in any namespace' : `in namespace ${namespace}`;
    if (format === 'json') {
      io.stdout(
        JSON.stringify(
          {
            version: 1,
            query: { verb, resource, scope: namespace === undefined ? 'cluster' : namespace === '*' ? 'any' : 'namespace', ...(namespace && namespace !== '*' ? { namespace } : {}) },
            subjects: entries.map((e) => ({ ...subjectJson(e.ref), grants: e.grants.map(permissionJson) })),
          },
          null,
          2,
        ) + '\n',
      );
    } else if (!entries.length) io.stdout(`Nobody can ${verb} ${resource} ${scope} (according to the given files).\n`);
    else {
      const rows = entries.flatMap((e) => e.grants.map((p) => [formatSubject(e.ref), whereText(p), chainText(p.chain)]));
      io.stdout(`Who can ${verb} ${resource} ${scope}:\n\n${table(['SUBJECT', 'WHERE', 'VIA'], rows)}\n`);
    }
    return failed ? 2 : 0;
  }
  if (sub === 'permissions') {
    const [subject, ...files] = args;
    if (!subject) throw new UsageError('rbac permissions needs a subject, e.g. serviceaccount:shop:web');
    const ref = parseSubject(subject);
    if (!ref) throw new UsageError(`cannot parse subject '${subject}' (expected serviceaccount:<ns>:<name>, user:<name> or group:<name>)`);
    if (!files.length) throw new UsageError('no input: give files, directories or globs');
    if (values['cluster-wide'] || values['api-group'] !== undefined || values['resource-name'] !== undefined)
      throw new UsageError('--cluster-wide, --api-group and --resource-name apply to who-can only');
    const { host, failed } = await loadWorkspace(files, io);
    const rw = host.analysis().rbac();
    let perms = rw.model.permissions(ref);
    const ns = values.namespace;
    if (ns !== undefined) perms = perms.filter((p) => p.clusterWide || p.namespace === ns);
    if (format === 'json') {
      io.stdout(JSON.stringify({ version: 1, subject: subjectJson(ref), ...(ns !== undefined ? { namespace: ns } : {}), permissions: perms.map(permissionJson) }, null, 2) + '\n');
    } else if (!perms.length) io.stdout(`${formatSubject(ref)} has no permissions${ns !== undefined ? ` in namespace ${ns}` : ''} (according to the given files).\n`);
    else {
      const key = subjectKey(ref);
      const rows = perms.flatMap((p) => resourceRows(p).map((r) => [r, verbsText(p.verbs), whereText(p), viaText(p, key)]));
      io.stdout(
        `Effective permissions of ${formatSubject(ref)}${ns !== undefined ? ` in namespace ${ns}` : ''}:\n\n${table(['RESOURCE', 'VERBS', 'SCOPE', 'VIA'], rows)}\n\n` +
          'VIA: binding → role; --format json has the files, lines and rules.\n',
      );
    }
    return failed ? 2 : 0;
  }
  if (sub === undefined) {
    io.stderr(RBAC_USAGE + '\n');
    return 2;
  }
  throw new UsageError(`unknown rbac command '${sub}' (expected who-can or permissions)`);
}

