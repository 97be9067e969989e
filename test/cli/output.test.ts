/**
 * The scan's reports for CI and for people, through the built CLI: several
 * formats in one run (`--format f=path`), JUnit XML (checked with a tiny
 * strict XML parser), GitHub workflow annotations (escaping), SARIF without
 * suppressed results by default, and the text report's colour (flags,
 * NO_COLOR, FORCE_COLOR) and wrapping.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scan } from '../../server/src/cli/scan';
import { BIN, tmpTree } from '../helpers/cli';


interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI as a process, with NO_COLOR and FORCE_COLOR only as given. */
function cli(cwd: string, args: string[], env: Record<string, string> = {}): Run {
  const base = { ...process.env };
  delete base.NO_COLOR;
  delete base.FORCE_COLOR;
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd, env: { ...base, ...env }, maxBuffer: 1 << 28 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const tmp = (files: Record<string, string>): string => tmpTree(files, 'k8s-guardrails-out-');

const pod = (name: string, container: string, annotations = '') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ops
${annotations}spec:
  containers:
  - name: ${container}
    image: busybox:1.36
    securityContext:
      privileged: true
`;

const SUPPRESSION = '  annotations:\n    ignore.k8s-guardrails.io/privileged-container: "reviewed"\n';

// ------------------------------------------------------------------------------------------------ a tiny strict XML parser

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s: string, where: string): string {
  if (/[<]/.test(s)) throw new Error(`unescaped < in ${where}`);
  return s.replace(/&([^;]*);?/g, (m, e: string) => {
    if (!m.endsWith(';')) throw new Error(`bare & in ${where}`);
    if (ENTITIES[e]) return ENTITIES[e];
    const num = /^#(x[0-9a-f]+|\d+)$/i.exec(e);
    if (num) return String.fromCodePoint(num[1][0].toLowerCase() === 'x' ? parseInt(num[1].slice(1), 16) : Number(num[1]));
    throw new Error(`unknown entity &${e}; in ${where}`);
  });
}

/** Parses a document (declaration, one root element, elements, attributes, text); throws on anything malformed. */
function parseXml(xml: string): XmlElement {
  let i = 0;
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(xml);
  if (!decl) throw new Error('no XML declaration');
  i = decl[0].length;
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack = [root];
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    if (stack.length === 1 && text.trim()) throw new Error('text outside the root element');
    stack[stack.length - 1].text += decodeEntities(text, 'text');
    if (lt < 0) break;
    const gt = xml.indexOf('>', lt);
    if (gt < 0) throw new Error('unterminated tag');
    const tag = xml.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const open = stack.pop()!;
      if (open.name !== tag.slice(1)) throw new Error(`</${tag.slice(1)}> closes <${open.name}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const m = /^([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"]*")*)\s*\/?$/.exec(tag);
    if (!m) throw new Error(`malformed tag <${tag}>`);
    const el: XmlElement = { name: m[1], attrs: {}, children: [], text: '' };
    for (const a of m[2].matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
      if (a[1] in el.attrs) throw new Error(`duplicate attribute ${a[1]}`);
      el.attrs[a[1]] = decodeEntities(a[2], `attribute ${a[1]}`);
    }
    if (stack.length === 1 && root.children.length) throw new Error('two root elements');
    stack[stack.length - 1].children.push(el);
    if (!selfClosing) stack.push(el);
  }
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1].name}> is not closed`);
  if (root.children.length !== 1) throw new Error('no root element');
  return root.children[0];
}

test('the test XML parser rejects malformed documents', () => {
  const d = '<?xml version="1.0" encoding="UTF-8"?>\n';
  for (const bad of [`${d}<a><b></a></b>`, `${d}<a x="1 & 2"/>`, `${d}<a>1 < 2</a>`, `${d}<a/><b/>`, `${d}<a>`, '<a/>', `${d}<a x="1" x="2"/>`]) assert.throws(() => parseXml(bad), bad);
  assert.equal(parseXml(`${d}<a x="&lt;&#10;"><b/>t&amp;</a>`).attrs.x, '<\n');
});

// ------------------------------------------------------------------------------------------------ several outputs

test('several outputs in one run: text on stdout, SARIF, JUnit and JSON to files; -o still works', () => {
  const dir = tmp({ 'k8s/pod.yaml': pod('agent', 'app'), 'reports/.keep': '' });
  const r = cli(dir, ['scan', 'k8s', '--format', 'text', '--format', 'sarif=reports/k8s.sarif', '--format', 'junit=reports/junit.xml', '--format', 'json=out.json']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^k8s\/pod\.yaml\n/);
  assert.match(r.stdout, /✖ \d+ problems/);
  const sarif = JSON.parse(fs.readFileSync(path.join(dir, 'reports/k8s.sarif'), 'utf8'));
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'out.json'), 'utf8'));
  assert.equal(sarif.runs[0].results.length, json.findings.length);
  assert.ok(json.findings.length > 1);
  assert.equal(parseXml(fs.readFileSync(path.join(dir, 'reports/junit.xml'), 'utf8')).attrs.tests, String(json.findings.length));
  // Only files: nothing on stdout. -o takes the report of the format without a file.
  const files = cli(dir, ['scan', 'k8s', '--format', 'json=a.json', '--format', 'github', '-o', 'annotations.txt']);
  assert.equal(files.stdout, '');
  assert.equal(fs.readFileSync(path.join(dir, 'a.json'), 'utf8'), fs.readFileSync(path.join(dir, 'out.json'), 'utf8'));
  assert.match(fs.readFileSync(path.join(dir, 'annotations.txt'), 'utf8'), /^::error file=k8s\/pod\.yaml,/m);
  const o = cli(dir, ['scan', 'k8s', '--format', 'json', '-o', 'o.json']);
  assert.equal(o.stdout, '');
  assert.equal(fs.readFileSync(path.join(dir, 'o.json'), 'utf8'), fs.readFileSync(path.join(dir, 'out.json'), 'utf8'));
});

test('output usage errors exit 2 before anything is analysed', () => {
  const dir = tmp({ 'pod.yaml': pod('agent', 'app') });
  for (const [args, message] of [
    [['--format', 'text', '--format', 'json'], /only one --format can write to standard output \(text, json\)/],
    [['--format', 'xml'], /unknown --format 'xml' \(expected text, json, sarif, junit, github or compact/],
    [['--format', 'sarif='], /--format sarif= needs a file name/],
    [['--format', 'sarif=a', '-o', 'b'], /-o\/--output is for the --format without a file/],
    [['--format', 'sarif=a', '--format', 'json=a'], /two reports would be written to 'a'/],
    [['--color', '--no-color'], /--color and --no-color cannot be combined/],
  ] as const) {
    const r = cli(dir, ['scan', 'pod.yaml', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
  assert.deepEqual(fs.readdirSync(dir), ['pod.yaml']);
  // A report into a missing folder is an error, as for -o (exit 2, after the scan).
  const missing = cli(dir, ['scan', 'pod.yaml', '--format', 'text', '--format', 'sarif=no/such/dir/r.sarif']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot write 'no\/such\/dir\/r\.sarif'/);
});

// ------------------------------------------------------------------------------------------------ junit

test('junit: one testsuite per file, one testcase per finding, failures at or above --fail-on, suppressed ones skipped; escaped', () => {
  const dir = tmp({
    'a/odd.yaml': pod('odd', '"x<&>\'y"'),
    'b/ok.yaml': pod('quiet', 'app', SUPPRESSION),
  });
  const r = cli(dir, ['scan', 'a', 'b', '--format', 'junit', '--fail-on', 'error', '--include-suppressed']);
  assert.equal(r.code, 1, r.stderr);
  const json = JSON.parse(cli(dir, ['scan', 'a', 'b', '--format', 'json', '--include-suppressed']).stdout).findings as any[];
  const root = parseXml(r.stdout);
  assert.equal(root.name, 'testsuites');
  const suites = root.children;
  assert.deepEqual(suites.map((s) => [s.name, s.attrs.name]), [['testsuite', 'a/odd.yaml'], ['testsuite', 'b/ok.yaml']]);
  let failures = 0;
  let skipped = 0;
  for (const suite of suites) {
    const expected = json.filter((f) => f.file === suite.attrs.name);
    assert.equal(suite.children.length, expected.length);
    assert.equal(suite.attrs.tests, String(expected.length));
    suite.children.forEach((tc, k) => {
      const f = expected[k];
      assert.equal(tc.name, 'testcase');
      assert.equal(tc.attrs.classname, f.file);
      assert.equal(tc.attrs.name, `${f.rule} at ${f.range.start.line + 1}:${f.range.start.character + 1}`);
      assert.equal(tc.attrs.line, String(f.range.start.line + 1));
      assert.equal(tc.children.length, 1);
      const outcome = tc.children[0];
      if (f.suppressed) assert.equal(outcome.name, 'skipped');
      else if (f.severity === 'error') {
        assert.equal(outcome.name, 'failure');
        assert.equal(outcome.attrs.message, f.message);
        assert.equal(outcome.attrs.type, 'error');
        assert.ok(outcome.text.includes(f.message) && outcome.text.includes(`docs/rules.md#${f.rule}`));
      } else assert.equal(outcome.name, 'system-out', `${f.severity} is below --fail-on error`);
    });
    failures += Number(suite.attrs.failures);
    skipped += Number(suite.attrs.skipped);
    assert.equal(Number(suite.attrs.failures), suite.children.filter((tc) => tc.children[0].name === 'failure').length);
  }
  assert.equal(root.attrs.failures, String(failures));
  assert.equal(root.attrs.skipped, String(skipped));
  assert.equal(skipped, 1);
  assert.ok(failures >= 1);
  // The container name's <, &, quotes survive the round trip.
  assert.ok(json.some((f) => f.message.includes(`x<&>'y`)));
  const all = suites.flatMap((s) => s.children.map((tc) => tc.children[0]));
  assert.ok(all.some((o) => (o.attrs.message ?? o.text).includes(`x<&>'y`)));
  // --fail-on none: no failures at all; warnings counted with --fail-on warning.
  assert.equal(parseXml(cli(dir, ['scan', 'a', '--format', 'junit', '--fail-on', 'none']).stdout).attrs.failures, '0');
  const warn = json.filter((f) => !f.suppressed && (f.severity === 'error' || f.severity === 'warning')).length;
  assert.equal(parseXml(cli(dir, ['scan', 'a', 'b', '--format', 'junit', '--fail-on', 'warning']).stdout).attrs.failures, String(warn));
});

// ------------------------------------------------------------------------------------------------ github

test('github: one workflow command per finding, severity mapped, properties and message escaped, suppressed left out', () => {
  const dir = tmp({ 'a,b:c.yaml': pod('odd', '"100%\\ndone"'), 'ok.yaml': pod('quiet', 'app', SUPPRESSION) });
  const r = cli(dir, ['scan', '.', '--format', 'github', '--no-config']);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  const json = JSON.parse(cli(dir, ['scan', '.', '--format', 'json', '--no-config']).stdout).findings as any[];
  assert.equal(lines.length, json.length);
  const command: Record<string, string> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };
  lines.forEach((line, k) => {
    const f = json[k];
    const m = /^::(error|warning|notice) (file=[^,:]*,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[^,:]*)::(.*)$/.exec(line);
    assert.ok(m, line);
    assert.equal(m[1], command[f.severity]);
    assert.equal(m[2], `file=${f.file.replace(',', '%2C').replace(':', '%3A')},line=${f.range.start.line + 1},col=${f.range.start.character + 1},endLine=${f.range.end.line + 1},endColumn=${f.range.end.character + 1},title=${f.rule} (${f.severity})`);
    assert.equal(m[3], f.message.replace(/%/g, '%25').replace(/\n/g, '%0A'));
  });
  assert.ok(lines.some((l) => l.includes('100%25%0Adone')), 'the message escapes % and the line break');
  assert.ok(lines.some((l) => l.startsWith('::error file=a%2Cb%3Ac.yaml,')));
  assert.ok(!lines.some((l) => l.includes('file=ok.yaml') && l.includes('privileged-container')), 'suppressed findings are not annotated');
});

// ------------------------------------------------------------------------------------------------ sarif

test('sarif: suppressed results left out by default, present with --include-suppressed', () => {
  const dir = tmp({ 'pod.yaml': pod('agent', 'app'), 'quiet.yaml': pod('quiet', 'app', SUPPRESSION) });
  const results = (args: string[]) => JSON.parse(cli(dir, ['scan', '.', '--format', 'sarif', '--no-config', ...args]).stdout).runs[0].results as any[];
  const plain = results([]);
  const all = results(['--include-suppressed']);
  assert.equal(all.filter((x) => x.suppressions).length, 1);
  assert.equal(plain.filter((x) => x.suppressions).length, 0);
  assert.deepEqual(plain, all.filter((x) => !x.suppressions));
});

test('json and sarif are streamed: a large report reaches its sink in chunks as it is formatted, the same bytes as one serialisation', async () => {
  // ~1,300 findings: a report of several hundred KB.
  const many = Array.from({ length: 100 }, (_, i) => pod(`p${i}`, `c${i}`, i % 25 ? '' : SUPPRESSION)).join('---\n');
  const dir = tmp({ 'many.yaml': many, 'clean.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: ops\ndata:\n  a: b\n' });
  const run = async (args: string[]) => {
    const chunks: string[] = [];
    const code = await scan(['--no-config', ...args], { stdout: (s) => chunks.push(s), stderr: () => {}, readStdin: async () => '', isTTY: false, cwd: dir });
    return { code, chunks, text: chunks.join('') };
  };
  for (const format of ['json', 'sarif']) {
    for (const extra of [[], ['--include-suppressed']]) {
      const { chunks, text } = await run(['many.yaml', '--format', format, ...extra]);
      assert.ok(text.length > 200_000, `${format}: a large report (${text.length} characters)`);
      assert.ok(chunks.length >= 4 && Math.max(...chunks.map((c) => c.length)) <= text.length / 4, `${format}: written in chunks (${chunks.length}), not as one string`);
      const parsed = JSON.parse(text);
      // Byte for byte what serialising the whole report at once gives (SARIF: with a line break before each result).
      assert.equal(format === 'json' ? text : text.replaceAll('\n', '') + '\n', JSON.stringify(parsed) + '\n');
      if (format === 'sarif') assert.equal(parsed.runs[0].results.some((r: any) => r.suppressions), extra.length > 0);
      // The process: the same bytes to a file as to standard output.
      const piped = cli(dir, ['scan', 'many.yaml', '--no-config', '--format', format, ...extra]).stdout;
      cli(dir, ['scan', 'many.yaml', '--no-config', '--format', `${format}=report.${format}`, ...extra]);
      assert.equal(fs.readFileSync(path.join(dir, `report.${format}`), 'utf8'), piped);
    }
    // No results at all: still the one serialisation (an empty array).
    const clean = await run(['clean.yaml', '--format', format]);
    const parsed = JSON.parse(clean.text);
    assert.equal(clean.text, JSON.stringify(parsed) + '\n');
    assert.deepEqual(format === 'json' ? parsed.findings : parsed.runs[0].results, []);
  }
});

test('json and sarif: messages with characters JSON escapes (quote, backslash, control, lone surrogate) or not (emoji) are the one serialisation', async () => {
  // Names are in the findings' messages (a container's quoted, a pod's not); written as YAML escapes (a lone surrogate cannot be in a file).
  const dir = tmp({ 'odd.yaml': pod('odd', '"q\\"b\\\\s\\x01t"'), 'lone.yaml': pod('"s\\ud800e\\U0001F600"', 'app'), 'plain.yaml': pod('plain', 'app') });
  for (const format of ['json', 'sarif']) {
    const chunks: string[] = [];
    await scan(['--no-config', 'odd.yaml', 'lone.yaml', 'plain.yaml', '--format', format], { stdout: (s) => chunks.push(s), stderr: () => {}, readStdin: async () => '', isTTY: false, cwd: dir });
    const text = chunks.join('');
    const parsed = JSON.parse(text);
    assert.equal(format === 'json' ? text : text.replaceAll('\n', '') + '\n', JSON.stringify(parsed) + '\n');
    const messages: string[] = format === 'json' ? parsed.findings.map((f: any) => f.message) : parsed.runs[0].results.map((r: any) => r.message.text);
    assert.ok(messages.some((m) => m.includes('q"b\\s\x01t')), `${format}: the odd name is in a message`);
    assert.ok(messages.some((m) => m.includes('s\ud800e\u{1F600}')), `${format}: the name with a lone surrogate is in a message`);
    assert.ok(messages.some((m) => m.includes('plain')));
  }
});

// ------------------------------------------------------------------------------------------------ text: colour and width

const ESC = /\x1b\[/;

test('colour: a TTY colours, NO_COLOR wins over the TTY, FORCE_COLOR forces, flags win over both', async () => {
  const dir = tmp({ 'pod.yaml': pod('agent', 'app') });
  const run = async (args: string[], env: Record<string, string>, isTTY: boolean) => {
    let out = '';
    await scan(['pod.yaml', ...args], { stdout: (s) => (out += s), stderr: () => {}, readStdin: async () => '', isTTY, env, cwd: dir });
    return out;
  };
  assert.match(await run([], {}, true), ESC);
  assert.doesNotMatch(await run([], { NO_COLOR: '1' }, true), ESC);
  assert.match(await run([], { NO_COLOR: '1', FORCE_COLOR: '1' }, true), ESC);
  assert.doesNotMatch(await run([], { FORCE_COLOR: '0' }, true), ESC);
  assert.doesNotMatch(await run(['--no-color'], {}, true), ESC);
  assert.doesNotMatch(await run(['--no-color'], { FORCE_COLOR: '1' }, true), ESC);
  assert.match(await run(['--color'], { NO_COLOR: '1' }, false), ESC);
  // The process: stdout is a pipe here.
  assert.doesNotMatch(cli(dir, ['scan', 'pod.yaml']).stdout, ESC);
  assert.match(cli(dir, ['scan', 'pod.yaml'], { FORCE_COLOR: '1' }).stdout, /\x1b\[31merror\x1b\[0m/);
  assert.doesNotMatch(cli(dir, ['scan', 'pod.yaml'], { NO_COLOR: '1' }).stdout, ESC);
  assert.match(cli(dir, ['scan', 'pod.yaml', '--color'], { NO_COLOR: '1' }).stdout, ESC);
  assert.doesNotMatch(cli(dir, ['scan', 'pod.yaml', '--no-color'], { FORCE_COLOR: '1' }).stdout, ESC);
  // A text report written to a file is not coloured unless --color says so.
  cli(dir, ['scan', 'pod.yaml', '--format', 'text=report.txt'], { FORCE_COLOR: '1' });
  assert.doesNotMatch(fs.readFileSync(path.join(dir, 'report.txt'), 'utf8'), ESC);
});

test('text: rows aligned per file, wrapped to the terminal width on a TTY, not wrapped otherwise', async () => {
  const dir = tmp({ 'pod.yaml': pod('agent', 'app'), 'other.yaml': pod('other', 'app') });
  const run = async (isTTY: boolean, columns?: number) => {
    let out = '';
    await scan(['pod.yaml', 'other.yaml', '--no-config'], { stdout: (s) => (out += s), stderr: () => {}, readStdin: async () => '', isTTY, columns, env: { NO_COLOR: '1' }, cwd: dir });
    return out;
  };
  const plain = await run(false);
  const blocks = plain.split('\n\n');
  assert.equal(blocks.length, 3, 'two files and the summary');
  assert.deepEqual(blocks.map((b) => b.split('\n')[0]).slice(0, 2), ['other.yaml', 'pod.yaml'], 'files in path order');
  const rows = blocks[0].split('\n').slice(1);
  assert.ok(rows.length > 3);
  // Every row: position, severity, message, rule id; severities start in one column.
  const sevColumn = new Set(rows.map((r) => /^ {2}\d+:\d+ +(?=error|warning|info|hint)/.exec(r)![0].length));
  assert.equal(sevColumn.size, 1);
  assert.ok(plain.split('\n').some((l) => l.length > 100), 'not a TTY: no wrapping');
  assert.match(blocks[2], /^✖ \d+ problems \(\d+ errors?, \d+ warnings?, \d+ info\) in 2 files of 2 scanned\.\n$/);

  const wrapped = await run(true, 100);
  const lines = wrapped.split('\n');
  assert.ok(lines.every((l) => l.length <= 100), lines.filter((l) => l.length > 100).join('\n'));
  // Continuation lines are indented to the message column; the words are all there.
  assert.ok(lines.some((l) => /^ {10,}\S/.test(l)));
  const words = (s: string) => s.split(/\s+/).filter(Boolean).sort().join(' ');
  assert.equal(words(wrapped), words(plain));
});
