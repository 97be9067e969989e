/**
 * The YAML snippets (snippets/kubernetes.json): every snippet, expanded with its defaults, must produce no
 * finding of our engine (all rules, Pod Security Standards restricted) and no schema error.
 *
 * Workspace-level rules (missing-network-policy, missing-default-deny, netpol-dns-not-allowed,
 * namespace-without-psa for the workload's namespace, ...) need the rest of an application: a lone Deployment
 * has no NetworkPolicy. So each snippet is analysed in a workspace made of
 *   - itself, and
 *   - the "context" snippets: the PSA Namespace, default-deny-all and allow-DNS policies (the minimum every
 *     namespace should have), plus the hardened Deployment and the least-privilege RBAC (pods the policies
 *     select, the ServiceAccount the pods use),
 * each in its own file, all with their default names (namespace `my-app`, app `web`), and the findings of
 * every file are asserted empty. All snippets together form one workspace as well (same assertion).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, DEFAULT_SETTINGS, EngineSettings, RULES, WorkspaceIndex } from '../../server/src/engine';
import { createSchemaService } from '../../server/src/schema';
import * as jsYaml from 'js-yaml';

const REPO = path.join(__dirname, '../../..');
const SNIPPETS_FILE = path.join(REPO, 'snippets/kubernetes.json');

interface Snippet {
  prefix: string | string[];
  body: string | string[];
  description?: string;
}

/**
 * Expands a VS Code snippet body with its defaults: `${1:default}` (nested placeholders expanded),
 * `${1|a,b|}` → the first choice, `$1`/`${1}` → the value of tab stop 1 elsewhere (mirror) or '',
 * `$0` → '', variables `$NAME`/`${NAME:default}` → default or '', escapes `\$`, `\}`, `\\` (and `\,` `\|`
 * in choices).
 */
export function expandSnippet(body: string): string {
  const defaults = new Map<string, string>();
  let pos = 0;
  const src = body;

  // parse(until): expands until one of the stop characters (unescaped) at this nesting level
  const parse = (stops: string, pass: number): string => {
    let out = '';
    while (pos < src.length) {
      const c = src[pos];
      if (c === '\\' && pos + 1 < src.length && '$}\\'.includes(src[pos + 1])) {
        out += src[pos + 1];
        pos += 2;
        continue;
      }
      if (stops.includes(c)) return out;
      if (c === '$') {
        const m = /^\$(\d+)/.exec(src.slice(pos)) ?? /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(src.slice(pos));
        if (m) {
          pos += m[0].length;
          out += /^\d/.test(m[1]) ? (pass === 2 ? defaults.get(m[1]) ?? '' : '') : '';
          continue;
        }
        const open = /^\$\{(\d+|[A-Za-z_][A-Za-z0-9_]*)([:|}])/.exec(src.slice(pos));
        if (open) {
          pos += open[0].length;
          const name = open[1];
          const isTabStop = /^\d/.test(name);
          let value = '';
          if (open[2] === ':') {
            value = parse('}', pass);
            pos++; // '}'
          } else if (open[2] === '|') {
            const choices: string[] = [];
            let cur = '';
            while (pos < src.length && !(src[pos] === '|' && src[pos + 1] === '}')) {
              if (src[pos] === '\\' && ',|\\$}'.includes(src[pos + 1])) {
                cur += src[pos + 1];
                pos += 2;
              } else if (src[pos] === ',') {
                choices.push(cur);
                cur = '';
                pos++;
              } else cur += src[pos++];
            }
            choices.push(cur);
            pos += 2; // '|}'
            value = choices[0];
          } else if (isTabStop && pass === 2) value = defaults.get(name) ?? '';
          if (isTabStop && name !== '0' && open[2] !== '}' && !defaults.has(name)) defaults.set(name, value);
          out += value;
          continue;
        }
      }
      out += c;
      pos++;
    }
    return out;
  };
  // pass 1 collects the defaults of tab stops (first occurrence with a value), pass 2 expands mirrors
  parse('', 1);
  pos = 0;
  return parse('', 2);
}

const snippets = JSON.parse(fs.readFileSync(SNIPPETS_FILE, 'utf8')) as Record<string, Snippet>;
const bodyOf = (s: Snippet) => (Array.isArray(s.body) ? s.body.join('\n') : s.body);
const prefixes = (s: Snippet) => (Array.isArray(s.prefix) ? s.prefix : [s.prefix]);
const byPrefix = (p: string) => {
  const e = Object.entries(snippets).find(([, s]) => prefixes(s).includes(p));
  assert.ok(e, `snippet ${p} exists`);
  return { name: e[0], text: expandSnippet(bodyOf(e[1])) + '\n' };
};

const CONTEXT = ['k8s-namespace-psa', 'k8s-netpol-default-deny', 'k8s-netpol-allow-dns', 'k8s-deployment-hardened', 'k8s-rbac-least-privilege'];

const restrictedAllRules: EngineSettings = {
  ...structuredClone(DEFAULT_SETTINGS),
  pss: { level: 'restricted', version: 'latest', source: 'settings', override: false },
  // every rule at its default severity (none is off)
  rules: Object.fromEntries(RULES.map((r) => [r.id, r.defaultSeverity])),
};

function findings(files: { uri: string; text: string }[]): string[] {
  const ws = new WorkspaceIndex();
  for (const f of files) ws.set(f.uri, f.text);
  const errors: string[] = [];
  const result = analyze(ws, restrictedAllRules, { onRuleError: (rule, e) => errors.push(`${rule.id} threw ${(e as Error)?.stack ?? e}`) });
  assert.deepEqual(errors, []);
  const out: string[] = [];
  for (const [uri, list] of result.findings) for (const f of list) out.push(`${path.basename(uri)}:${f.range.start.line + 1} ${f.rule}: ${f.message}`);
  return out;
}

const schemaService = createSchemaService({ schemasDir: path.join(REPO, 'schemas/v1.35') });
const fileName = (prefix: string) => `file:///snippets/${prefix}.yaml`;

describe('snippet expansion', () => {
  it('placeholders, choices, mirrors, final tab stop, variables and escapes', () => {
    assert.equal(expandSnippet('name: ${1:web}\nlabel: $1\nother: ${1}'), 'name: web\nlabel: web\nother: web');
    assert.equal(expandSnippet('a: ${1|restricted,baseline|}'), 'a: restricted');
    assert.equal(expandSnippet('a: $2 ${3}$0'), 'a:  ');
    assert.equal(expandSnippet('a: ${1:outer-${2:inner}} $2'), 'a: outer-inner inner');
    assert.equal(expandSnippet('price: \\$5 \\} \\\\ ${1:x\\}y}'), 'price: $5 } \\ x}y');
    assert.equal(expandSnippet('f: ${TM_FILENAME:default} $UNKNOWN'), 'f: default ');
    assert.equal(expandSnippet('c: ${1|a\\,b,c|}'), 'c: a,b');
    assert.equal(expandSnippet('rego: violation[{"msg": msg}] { x }'), 'rego: violation[{"msg": msg}] { x }');
  });
});

describe('snippets/kubernetes.json', () => {
  it('is contributed for yaml in package.json', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    const entry = (pkg.contributes.snippets as { language: string; path: string }[]).find((s) => path.normalize(s.path) === path.normalize('./snippets/kubernetes.json'));
    assert.ok(entry, 'contributes.snippets has snippets/kubernetes.json');
    assert.equal(entry.language, 'yaml');
  });

  it('every snippet: k8s- prefix, description, tab stops, valid YAML once expanded', () => {
    assert.ok(Object.keys(snippets).length >= 11);
    for (const [name, s] of Object.entries(snippets)) {
      for (const p of prefixes(s)) assert.match(p, /^k8s-[a-z0-9-]+$/, name);
      assert.ok(s.description && s.description.length > 20, `${name}: description`);
      assert.match(bodyOf(s), /\$\{1[:|]/, `${name}: a first tab stop with a default`);
      const text = expandSnippet(bodyOf(s));
      assert.doesNotMatch(text, /\$\{|\$\d/, `${name}: fully expanded`);
      assert.doesNotThrow(() => jsYaml.loadAll(text), `${name}: YAML`);
    }
  });

  for (const [name, s] of Object.entries(snippets)) {
    const prefix = prefixes(s)[0];
    it(`${prefix}: no finding with its context (all rules, PSS restricted)`, () => {
      const files = [...new Set([prefix, ...CONTEXT])].map((p) => ({ uri: fileName(p), text: byPrefix(p).text }));
      assert.deepEqual(findings(files), [], name);
    });

    it(`${prefix}: no schema error`, async () => {
      const text = expandSnippet(bodyOf(s)) + '\n';
      const diags = await schemaService.validate(TextDocument.create(fileName(prefix), 'yaml', 1, text));
      assert.deepEqual(
        diags.map((d) => `${d.range.start.line + 1}: ${d.message}`),
        [],
        name,
      );
    });
  }

  it('all snippets together: no finding', () => {
    const files = Object.values(snippets).map((s) => ({ uri: fileName(prefixes(s)[0]), text: expandSnippet(bodyOf(s)) + '\n' }));
    assert.deepEqual(findings(files), []);
  });

  it('the rules are live: a lone Deployment lacks policies, a weakened one has findings (why the context is needed)', () => {
    const deploy = byPrefix('k8s-deployment-hardened').text;
    assert.deepEqual(
      findings([{ uri: fileName('alone'), text: deploy }]).map((f) => f.split(' ')[1]),
      ['missing-network-policy:'],
    );
    const weak = deploy.replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false').replace(':1.0.0', ':latest');
    const rules = findings(CONTEXT.map((p) => ({ uri: fileName(p), text: p === 'k8s-deployment-hardened' ? weak : byPrefix(p).text }))).map((f) => f.split(' ')[1]);
    assert.deepEqual(rules.sort(), ['image-latest-tag:', 'read-only-root-filesystem:']);
  });

  it('the hardened workloads are validated against a schema (not skipped as unknown kinds)', async () => {
    // a typo in the expanded Deployment must be reported: proves the schema is applied to snippet output
    const text = byPrefix('k8s-deployment-hardened').text.replace('readOnlyRootFilesystem', 'readOnlyRootFilesytem');
    const diags = await schemaService.validate(TextDocument.create('file:///snippets/typo.yaml', 'yaml', 1, text));
    assert.equal(diags.length, 1);
  });
});
