/**
 * The Cluster view shows every string from a cluster as inert text: context names (the
 * kubeconfig), namespace names and their PSA enforce labels, pod names, NetworkPolicy
 * names in the isolation verdict and API error messages — with Markdown links, HTML, `command:`
 * URIs, `$(codicon)` syntax, bidi/control characters, forged tooltip lines and very long strings —
 * read through the view's data provider (the extension's API) in a real editor, on the API
 * simulator seeded with those strings (a hostile or compromised API server answers what it likes:
 * the seed skips the simulator's name validation).
 *
 * Run alone: K8SG_MOCHA_GREP='Cluster view, hostile strings' node out/test/editor/launchers/run-code-server.js
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as jsyaml from 'js-yaml';
import * as vscode from 'vscode';
import { activate, EXTENSION_ID, until } from './helpers';
import { startSimulator, Simulator } from '../../simulator/server';
import { demoSeed } from '../../simulator/seed';

type Node = { kind: string; context?: string; namespace?: string; pod?: string; current?: boolean; text?: string };
interface ViewsApi {
  clusterView: { getChildren(node?: Node): Promise<Node[]>; getTreeItem(node: Node): vscode.TreeItem; refresh(): void };
}
const api = () => vscode.extensions.getExtension(EXTENSION_ID)!.exports as ViewsApi;

/** What a cluster may send. `line` forges a second tooltip line. */
const HOSTILE = {
  markdown: '[run me](command:workbench.action.terminal.new) ![x](https://attacker.example/p.png)',
  command: 'command:k8sGuardrails.cluster.isolatePod?%5B%22x%22%5D',
  html: '<img src=x onerror=alert(1)><a href="command:x">b</a>',
  codicon: '$(check) verified $(shield)',
  bidi: 'invoice-\u202Efdp.exe \u2066rtl\u2069 \u061C\u200E\u200F',
  control: 'a\u0000b\u0007c\u001b[31mred\u001b[0m\u0085d\u200Be\uFEFFf\u00ADg\u180Eh',
  line: 'prod\nServer: https://trusted.example\r\nUsed by the cluster commands.\u2028x',
  backtick: '`code` ```fence``` <script>',
  long: `long-${'x'.repeat(5000)}`,
};
const ALL = Object.values(HOSTILE).join(' ');

/** Characters that hide, reorder or break lines (what inert() makes visible), U+061C ARABIC LETTER MARK included. */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

/** A string from the view as inert text: no markup, link, command URI, codicon, hidden character; bounded. */
function assertInert(where: string, s: unknown, max: number, lines = 1): void {
  assert.strictEqual(typeof s, 'string', `${where}: plain string (not Markdown): ${String(s)}`);
  const text = s as string;
  // a zero-width space is what inert() puts inside link and icon syntax: allowed there only
  const shown = text.split('\n');
  assert.ok(shown.length <= lines, `${where}: ${shown.length} lines, at most ${lines} (a cluster string must not add lines): ${JSON.stringify(text)}`);
  for (const line of shown) assert.ok(!INVISIBLE.test(line.replace(/\u200b(?=[(:])/g, '')), `${where}: hidden/bidi/control character in ${JSON.stringify(line)}`);
  assert.ok(!/\]\s*\(/.test(text), `${where}: Markdown link syntax: ${JSON.stringify(text)}`);
  assert.ok(!/\b(command|https?|javascript|file):/i.test(text), `${where}: a URI scheme that could link: ${JSON.stringify(text)}`);
  assert.ok(!/\$\(/.test(text), `${where}: codicon syntax: ${JSON.stringify(text)}`);
  assert.ok(!/[<>`]/.test(text), `${where}: HTML or code span: ${JSON.stringify(text)}`);
  assert.ok(text.length <= max + 1, `${where}: ${text.length} characters, more than ${max}`);
}

function assertItemInert(where: string, item: vscode.TreeItem, tooltipLines: number, tooltipMax = 1501): void {
  assertInert(`${where} label`, item.label, 200);
  if (item.description !== undefined) assertInert(`${where} description`, item.description, 200);
  if (item.tooltip !== undefined) assertInert(`${where} tooltip`, item.tooltip, tooltipMax, tooltipLines);
  if (item.accessibilityInformation) assertInert(`${where} accessibility label`, item.accessibilityInformation.label, 200);
}

/** The text as read once the zero-width breaks are removed (inert text still says what the cluster said). */
const read = (s: unknown) => String(s).replace(/\u200b/g, '');

function seed() {
  const base = demoSeed({ minimal: true });
  const ns = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  const pod = (name: string, labels: Record<string, string> = {}) => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'hostile-pods', labels },
    spec: { containers: [{ name: 'app', image: 'registry.example.com/app:1.0' }] },
  });
  return {
    ...base,
    objects: [
      ...base.objects,
      ...Object.entries(HOSTILE).map(([k, v]) => ns(`${k}-${v}`)),
      ns('hostile-pods', { 'pod-security.kubernetes.io/enforce': HOSTILE.line, 'pod-security.kubernetes.io/enforce-version': HOSTILE.markdown }),
      ns('hostile-error'),
      ...Object.entries(HOSTILE).map(([k, v]) => pod(`${k}-${v}`, { isolated: 'yes' })),
      // its name is in the verdict (the pods' tooltips)
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `deny-${ALL}`, namespace: 'hostile-pods' }, spec: { podSelector: { matchLabels: { isolated: 'yes' } }, policyTypes: ['Ingress', 'Egress'] } },
      pod('plain'),
    ],
  };
}

describe('Cluster view, hostile strings', function () {
  this.timeout(120_000);
  let sim: Simulator | undefined;
  let dir: string | undefined;

  before(async function () {
    await activate();
    if (!vscode.workspace.isTrusted) this.skip();
    sim = await startSimulator({ port: 0, tls: true, seed: seed() });
    // every context of the kubeconfig reaches the simulator; the current one has a forged-line name
    const kc = jsyaml.load(fs.readFileSync(sim.kubeconfigPath, 'utf8')) as { contexts: { name: string; context: object }[]; 'current-context': string };
    const template = kc.contexts.find((c) => c.name === sim!.contexts.token)!.context;
    kc.contexts.push(...Object.values(HOSTILE).map((name) => ({ name, context: template })));
    kc['current-context'] = HOSTILE.line;
    dir = fs.mkdtempSync(`${require('os').tmpdir()}/k8sg-hostile-kubeconfig-`);
    fs.writeFileSync(`${dir}/kubeconfig`, jsyaml.dump(kc), { mode: 0o600 });
    await vscode.workspace.getConfiguration('k8sGuardrails.cluster').update('kubeconfig', `${dir}/kubeconfig`, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    if (sim) await vscode.workspace.getConfiguration('k8sGuardrails.cluster').update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    await sim?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows context, namespace, label, pod, policy and error strings as inert text', async function () {
    const view = api().clusterView;
    view.refresh();
    const contexts = await until('the hostile contexts', async () => {
      const c = await view.getChildren();
      return c.filter((n) => n.kind === 'context').length === Object.keys(HOSTILE).length + 2 ? c : undefined;
    });
    for (const c of contexts) assertItemInert(`context ${JSON.stringify(c.context)}`, view.getTreeItem(c), 3, 601);
    const current = contexts.find((n) => n.current)!;
    assert.strictEqual(current.context, HOSTILE.line);
    const currentItem = view.getTreeItem(current);
    assert.match(read(currentItem.label), /^prod\\u\{A\}Server: https:\/\/trusted\.example/, 'the forged line is shown as one line, escapes visible');
    const longItem = view.getTreeItem(contexts.find((n) => n.context === HOSTILE.long)!);
    assert.ok(String(longItem.label).endsWith('…'), 'a very long name is cut');

    const namespaces = await view.getChildren(current);
    const nsNodes = namespaces.filter((n) => n.kind === 'namespace');
    assert.ok(nsNodes.length >= Object.keys(HOSTILE).length + 2, JSON.stringify(namespaces.map((n) => n.namespace)));
    for (const n of namespaces) assertItemInert(`namespace ${JSON.stringify(n.namespace)}`, view.getTreeItem(n), 2, 601);
    const hostilePods = nsNodes.find((n) => n.namespace === 'hostile-pods')!;
    const nsItem = view.getTreeItem(hostilePods);
    assert.match(read(nsItem.description), /^enforce prod\\u\{A\}Server: https:\/\/trusted\.example/, 'the enforce label value is shown, escaped');

    const pods = await view.getChildren(hostilePods);
    assert.strictEqual(pods.filter((n) => n.kind === 'pod').length, Object.keys(HOSTILE).length + 1, JSON.stringify(pods.map((n) => n.pod ?? n.text)));
    for (const p of pods) assertItemInert(`pod ${JSON.stringify(p.pod)}`, view.getTreeItem(p), 2);
    const codicon = view.getTreeItem(pods.find((n) => n.pod === `codicon-${HOSTILE.codicon}`)!);
    assert.strictEqual(read(codicon.label), `codicon-${HOSTILE.codicon}`, 'the name reads as the cluster wrote it');
    assert.match(read(codicon.tooltip), /Isolated: the NetworkPolicies hostile-pods\/deny-\[run me\]\(command:/, `the policy name is in the verdict, inert: ${JSON.stringify(String(codicon.tooltip).slice(0, 300))}`);

    // an API error message from the cluster (a Status) on the message node
    const fault = sim!.faults.inject({ pathRegex: '/namespaces/hostile-pods/networkpolicies', status: 500, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 500, reason: 'InternalError', message: ALL } });
    try {
      const withError = await view.getChildren(hostilePods);
      const message = withError.find((n) => n.kind === 'message');
      assert.ok(message, JSON.stringify(withError));
      assertItemInert('error message', view.getTreeItem(message), 40);
      assert.match(read(view.getTreeItem(message).tooltip), /\[run me\]\(command:workbench/, 'the message says what the server said');
    } finally {
      fault.remove();
    }
  });
});
