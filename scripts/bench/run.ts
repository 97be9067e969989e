/**
 * `npm run bench`: performance of the analysis against a parsing floor and
 * two other tools, on a deterministic corpus (scripts/bench/corpus.ts) of
 * 100 / 1,000 / 10,000 resources, as one file and as a split workspace (~20
 * resources per file). Prints a table and writes .bench/results.json (git
 * ignored) to compare commits.
 *
 * Environment: BENCH_SIZES=100,1000 (default 100,1000,10000),
 * BENCH_TIMEOUT_S=180 (cap for the third-party tools per measurement),
 * BENCH_TOOLS=ours (default ours,yls,monokle: which of the slow third-party
 * tools to run besides our scan), BENCH_RELINT_WS=0 (skip the re-lint latency in the
 * 10,000-resource workspace).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as jsyaml from 'js-yaml';
import { LineCounter, parseAllDocuments } from 'yaml';
import { AnalysisHost, analyze, DEFAULT_SETTINGS, WorkspaceIndex } from '../../server/src/engine';
import { Corpus, CorpusFile, generateCorpus } from './corpus';

const REPO = path.join(__dirname, '../../..');
const OUT = path.join(REPO, '.bench');
const SIZES = (process.env.BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);
const TIMEOUT_S = Number(process.env.BENCH_TIMEOUT_S ?? 180);
const TOOLS = new Set((process.env.BENCH_TOOLS ?? 'ours,yls,monokle').split(',').map((t) => t.trim()));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const runsFor = (size: number) => (size <= 100 ? 9 : size <= 1000 ? 7 : 5);

/** Median of `runs` timed calls of each function, after one warm-up call of each; one call of each per round, so that they share the machine's load. */
function timeInterleaved(runs: number, fns: (() => unknown)[]): { ms: number; times: number[] }[] {
  for (const fn of fns) fn();
  const times: number[][] = fns.map(() => []);
  for (let i = 0; i < runs; i++)
    fns.forEach((fn, j) => {
      const t = performance.now();
      fn();
      times[j].push(performance.now() - t);
    });
  return times.map((t) => ({ ms: median(t), times: t }));
}

function floor(files: CorpusFile[]) {
  let n = 0;
  for (const f of files) n += jsyaml.loadAll(f.text).length;
  return n;
}

function yamlPkg(files: CorpusFile[]) {
  let n = 0;
  for (const f of files) {
    const lc = new LineCounter();
    n += parseAllDocuments(f.text, { lineCounter: lc }).length;
  }
  return n;
}

function ourScan(files: CorpusFile[]) {
  const ws = new WorkspaceIndex({ maxFileBytes: Number.MAX_SAFE_INTEGER });
  for (const f of files) ws.set(`file:///bench/${f.name}`, f.text);
  const result = analyze(ws, DEFAULT_SETTINGS);
  let n = 0;
  for (const list of result.findings.values()) n += list.length;
  return n;
}

interface ToolResult {
  ms?: number;
  timedOut?: boolean;
  error?: string;
  results?: number;
  runs?: number;
  skipped?: boolean;
}

function worker(tool: 'yls' | 'monokle', dir: string, runs: number): Promise<ToolResult> {
  if (!TOOLS.has(tool)) return Promise.resolve({ skipped: true });
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--max-old-space-size=6144', path.join(__dirname, 'worker.js'), tool, dir, String(runs)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_S * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') return resolve({ timedOut: true });
      if (code !== 0) return resolve({ error: stderr.trim().split('\n').slice(0, 3).join(' | ') || `exit ${code}` });
      const out = JSON.parse(stdout.trim().split('\n').pop()!);
      resolve({ ms: median(out.times), results: out.results, runs: out.times.length });
    });
  });
}

function writeCorpus(c: Corpus): { single: string; split: string } {
  const base = path.join(OUT, 'corpus', String(c.resources));
  const single = path.join(base, 'single');
  const split = path.join(base, 'split');
  fs.rmSync(base, { recursive: true, force: true });
  fs.mkdirSync(single, { recursive: true });
  fs.mkdirSync(split, { recursive: true });
  fs.writeFileSync(path.join(single, c.single.name), c.single.text);
  for (const f of c.split) fs.writeFileSync(path.join(split, f.name), f.text);
  return { single, split };
}

/** Peak RSS (MB) of the built CLI scanning `target`. */
function cliPeakRss(target: string, extra: string[] = []): { mb: number; ms: number; how: string } {
  const bin = path.join(REPO, 'bin/k8s-guardrails.js');
  const args = [bin, 'scan', target, '--no-config', '--format', 'json', '-o', os.devNull, ...extra];
  const t = performance.now();
  if (fs.existsSync('/usr/bin/time')) {
    const r = spawnSync('/usr/bin/time', ['-v', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const ms = performance.now() - t;
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
    if (m) return { mb: Number(m[1]) / 1024, ms, how: '/usr/bin/time -v' };
  }
  // Fallback: the child reports its own maxRSS on exit.
  const preload = path.join(OUT, 'maxrss.js');
  fs.writeFileSync(preload, "process.on('exit', () => require('fs').writeSync(2, '\\nMAXRSS ' + process.resourceUsage().maxRSS + '\\n'));\n");
  const r = spawnSync(process.execPath, ['--require', preload, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const m = /MAXRSS (\d+)/.exec(r.stderr);
  return { mb: m ? Number(m[1]) / 1024 : NaN, ms: performance.now() - t, how: 'process.resourceUsage().maxRSS' };
}

/** One child process: wall time (ms) and peak RSS (MB, NaN when neither /usr/bin/time nor the preload can tell). */
function timedProcess(args: string[]): { ms: number; mb: number } {
  const useTime = fs.existsSync('/usr/bin/time');
  const preload = path.join(OUT, 'maxrss.js');
  if (!useTime) fs.writeFileSync(preload, "process.on('exit', () => require('fs').writeSync(2, '\\nMAXRSS ' + process.resourceUsage().maxRSS + '\\n'));\n");
  const t = performance.now();
  const r = useTime
    ? spawnSync('/usr/bin/time', ['-v', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync(process.execPath, ['--require', preload, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - t;
  if (r.status !== 0 && r.status !== 1) throw new Error(`bench: ${args.slice(0, 3).join(' ')} exited ${r.status}: ${r.stderr.slice(0, 300)}`);
  const m = (useTime ? /Maximum resident set size \(kbytes\): (\d+)/ : /MAXRSS (\d+)/).exec(r.stderr);
  return { ms, mb: m ? Number(m[1]) / 1024 : NaN };
}

/**
 * What a CI user waits for (issue #24): the whole process — start-up, reading, analysis and writing the report to
 * a file — of `k8s-guardrails scan --format json|sarif` on the one-file corpus, against a whole-process floor
 * (`node -e` requiring js-yaml, reading the file, `loadAll`). Runs are interleaved (floor, json, sarif, floor, …);
 * medians; peak RSS is the largest of the runs.
 */
function wholeProcess(file: string, runs: number) {
  const bin = path.join(REPO, 'bin/k8s-guardrails.js');
  const floorCode = `const y = require(${JSON.stringify(require.resolve('js-yaml'))}); y.loadAll(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'));`;
  const cli = (format: string) => [bin, 'scan', file, '--no-config', '--max-file-size', '256MiB', '--format', `${format}=${path.join(OUT, `whole-process.${format}`)}`];
  const kinds = { floor: ['-e', floorCode], json: cli('json'), sarif: cli('sarif') };
  const samples: Record<keyof typeof kinds, { ms: number; mb: number }[]> = { floor: [], json: [], sarif: [] };
  timedProcess(kinds.floor); // warm the file cache
  for (let i = 0; i < runs; i++) for (const k of Object.keys(kinds) as (keyof typeof kinds)[]) samples[k].push(timedProcess(kinds[k]));
  const sum = (k: keyof typeof kinds) => ({ ms: median(samples[k].map((s) => s.ms)), mb: Math.max(...samples[k].map((s) => s.mb)), times: samples[k].map((s) => s.ms) });
  return { runs, floor: sum('floor'), json: sum('json'), sarif: sum('sarif') };
}

interface Relint {
  lines: number;
  edits: number;
  p50: number;
  p95: number;
  max: number;
}

/**
 * Re-lint latency through the language server (a child process over stdio), as an editor sees it: one
 * didChange of a one-line edit → the publishDiagnostics of that file. `folder`: a workspace folder the
 * server indexes first (its files analysed and published before the edits start).
 */
async function relintLatency(text: string, uri: string, folder?: string): Promise<Relint> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { LspClient } = require('../../test/helpers/lsp-client') as typeof import('../../test/helpers/lsp-client');
  const lines = text.split('\n');
  // Container env values: no other resource's findings depend on them.
  const editable = lines.map((l, i) => (/^\s+value: (info|debug|warn)$/.test(l) ? i : -1)).filter((i) => i >= 0);
  const client = new LspClient();
  await client.initialize(folder ? pathToFileURL(folder).href : null, { debounceMs: 0 });
  if (folder) {
    // Indexing done: no new file published for 2 s.
    let seen = -1;
    for (let stable = 0; stable < 4; ) {
      await new Promise((r) => setTimeout(r, 500));
      const n = (client as any).diagnostics.size as number;
      stable = n === seen && n > 0 ? stable + 1 : 0;
      seen = n;
    }
  }
  client.open(uri, text);
  await client.waitForDiagnostics(uri, () => true, 120000);
  const times: number[] = [];
  // 60: a p95 of 30 samples is their second largest (the first edit after opening, on cold code, is one of them).
  const EDITS = 60;
  for (let i = 0; i < EDITS; i++) {
    const line = editable[(i * 7) % editable.length];
    const before = lines[line];
    lines[line] = before.replace(/value: \S+$/, `value: ${['info', 'debug', 'warn'][i % 3]}-${i}`);
    const t = performance.now();
    // As an editor sends a keystroke: the edited line only (incremental sync), not the whole text.
    client.changeRange(uri, { start: { line, character: 0 }, end: { line, character: before.length } }, lines[line]);
    // this edit's publication (version 1 is the open), not a late one of an earlier version
    await client.waitForDiagnostics(uri, () => (client as any).diagnostics.get(uri)?.version === i + 2, 60000);
    times.push(performance.now() - t);
    // The test client keeps every publication (for assertions); an editor keeps the latest set per file. Kept,
    // every set received is copied by this process's scavenges (7–13 ms ones were seen during edits).
    client.published.length = 0;
  }
  await (client as any).conn.sendRequest('shutdown').catch(() => undefined);
  (client as any).proc?.kill();
  return { lines: lines.length, edits: EDITS, p50: pct(times, 50), p95: pct(times, 95), max: Math.max(...times) };
}

/** A file of about 5,000 lines (the documents of a generated corpus) on its own. */
function relintSingle(): Promise<Relint> {
  const docs = generateCorpus(400, 7).single.text.split('---\n');
  let text = '';
  for (const d of docs) {
    text += (text ? '---\n' : '') + d;
    if (text.split('\n').length >= 5000) break;
  }
  return relintLatency(text, 'file:///bench/relint.yaml');
}

/** One file (≈20 resources) of the 10,000-resource split workspace, the whole workspace indexed by the server. */
function relintWorkspace(c: Corpus, dir: string): Relint {
  const file = c.split.find((f) => /kind: Deployment/.test(f.text) && /^\s+value: (info|debug|warn)$/m.test(f.text))!;
  return relintInChild(['workspace', path.join(dir, file.name), dir]);
}

/**
 * Runs a re-lint measurement in a process of its own (this script with `--relint`), as an editor is one: this
 * process holds the corpora and every result, and its garbage collections, on the path of each publication it
 * receives, would count as latency.
 */
function relintInChild(args: string[]): Relint {
  const r = spawnSync(process.execPath, [__filename, '--relint', ...args], { encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 24 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{')) throw new Error(`re-lint measurement failed (exit ${r.status}): ${r.stderr || r.stdout}`);
  return JSON.parse(last) as Relint;
}

/** `--relint single` | `--relint workspace <file> <folder>`: one measurement, printed as JSON. */
async function relintChildMain(args: string[]): Promise<void> {
  const result = args[0] === 'single' ? await relintSingle() : await relintLatency(fs.readFileSync(args[1], 'utf8'), pathToFileURL(args[1]).href, args[2]);
  process.stdout.write(JSON.stringify(result) + '\n');
}

/** Editing one NetworkPolicy in a 10,000-resource split workspace with 1,000 policies. */
function netpolReanalysis(c: Corpus) {
  const host = new AnalysisHost();
  host.setSettings(DEFAULT_SETTINGS);
  const ws = host.workspace;
  for (const f of c.split) host.setFile(`file:///bench/${f.name}`, f.text);
  analyze(ws, DEFAULT_SETTINGS); // warm
  const target = c.split.find((f) => /kind: NetworkPolicy\nmetadata:\n  name: allow-/.test(f.text))!;
  const uri = `file:///bench/${target.name}`;
  const uris = c.split.map((f) => `file:///bench/${f.name}`);
  const whole: number[] = [];
  const batched: number[] = [];
  for (let i = 0; i < 5; i++) {
    const edited = target.text.replace(/(kind: NetworkPolicy\nmetadata:\n  name: allow-[^\n]*\n[\s\S]*?app\.kubernetes\.io\/name: )([^\n]+)/, `$1edited-${i}`);
    let t = performance.now();
    ws.set(uri, edited);
    analyze(ws, DEFAULT_SETTINGS);
    whole.push(performance.now() - t);
    // As the language server does it: the edited file first, then every file in batches of 100, on one snapshot.
    host.setFile(uri, edited + `# ${i}\n`);
    t = performance.now();
    const snapshot = host.analysis();
    snapshot.diagnostics({ uris: [uri] });
    for (let b = 0; b < uris.length; b += 100) snapshot.diagnostics({ uris: uris.slice(b, b + 100) });
    batched.push(performance.now() - t);
  }
  return { policies: c.policies, files: c.split.length, wholeMs: median(whole), lspBatchedMs: median(batched) };
}

const fmtMs = (ms: number) => (ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`);
const ratio = (ms: number | undefined, floorMs: number) => (ms === undefined ? '' : ` (${(ms / floorMs).toFixed(1)}×)`);

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const started = Date.now();
  const rows: any[] = [];
  let big: Corpus | undefined;
  let bigDirs: { single: string; split: string } | undefined;
  for (const size of SIZES) {
    const corpus = generateCorpus(size);
    const dirs = writeCorpus(corpus);
    if (size === 10000) [big, bigDirs] = [corpus, dirs];
    for (const layout of ['single', 'split'] as const) {
      const files = layout === 'single' ? [corpus.single] : corpus.split;
      const runs = runsFor(size);
      const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
      const lines = files.reduce((n, f) => n + f.text.split('\n').length, 0);
      process.stderr.write(`bench: ${size} resources, ${layout} (${files.length} files, ${lines} lines, ${(bytes / 1048576).toFixed(1)} MiB)…\n`);
      let findings = 0;
      // Interleaved (floor, yaml, ours, floor, …) so that load from other processes hits all three alike.
      const [fl, yp, ours] = timeInterleaved(runs, [() => floor(files), () => yamlPkg(files), () => (findings = ourScan(files))]);
      const yls = await worker('yls', dirs[layout], size >= 10000 ? 1 : 3);
      const monokle = await worker('monokle', dirs[layout], size >= 10000 ? 1 : 3);
      rows.push({ size, layout, files: files.length, lines, bytes, floorMs: fl.ms, yamlMs: yp.ms, oursMs: ours.ms, findings, yls, monokle });
    }
  }

  let rss: { single?: ReturnType<typeof cliPeakRss>; split?: ReturnType<typeof cliPeakRss> } = {};
  if (bigDirs) {
    process.stderr.write('bench: peak RSS of the CLI at 10,000 resources…\n');
    rss = { split: cliPeakRss(bigDirs.split), single: cliPeakRss(path.join(bigDirs.single, 'all.yaml'), ['--max-file-size', '256MiB']) };
  }
  let whole: ReturnType<typeof wholeProcess> | undefined;
  if (bigDirs) {
    process.stderr.write('bench: whole-process CLI scans of the 10,000-resource file (floor, json, sarif interleaved)…\n');
    whole = wholeProcess(path.join(bigDirs.single, 'all.yaml'), Number(process.env.BENCH_WHOLE_RUNS ?? 9));
  }
  process.stderr.write('bench: re-lint latency through the language server…\n');
  const relint = relintInChild(['single']);
  // The 10,000-resource workspace (generated here when BENCH_SIZES leaves it out; BENCH_RELINT_WS=0 skips it).
  let relintWs: Relint | undefined;
  if (process.env.BENCH_RELINT_WS !== '0') {
    process.stderr.write('bench: re-lint latency in a 10,000-resource workspace…\n');
    const c = big ?? generateCorpus(10000);
    relintWs = relintWorkspace(c, bigDirs?.split ?? writeCorpus(c).split);
  }
  let netpol: ReturnType<typeof netpolReanalysis> | undefined;
  if (big) {
    process.stderr.write('bench: re-analysis after editing one NetworkPolicy…\n');
    netpol = netpolReanalysis(big);
  }

  // ---- print
  const table: string[][] = [['resources', 'layout', 'files', 'js-yaml loadAll (floor)', 'yaml parseAllDocuments+LineCounter', 'k8s-guardrails scan (all rules)', 'yaml-language-server validate', 'monokle (offline plugins)']];
  const tool = (r: ToolResult, floorMs: number) => (r.skipped ? 'skipped (BENCH_TOOLS)' : r.timedOut ? `> ${TIMEOUT_S} s (capped)` : r.error ? `failed: ${r.error.slice(0, 40)}` : `${fmtMs(r.ms!)}${ratio(r.ms, floorMs)}`);
  for (const r of rows)
    table.push([
      r.size.toLocaleString('en'),
      r.layout,
      String(r.files),
      `${fmtMs(r.floorMs)} (1.0×)`,
      `${fmtMs(r.yamlMs)}${ratio(r.yamlMs, r.floorMs)}`,
      `${fmtMs(r.oursMs)}${ratio(r.oursMs, r.floorMs)}`,
      tool(r.yls, r.floorMs),
      tool(r.monokle, r.floorMs),
    ]);
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const out: string[] = [];
  out.push(`k8s-guardrails benchmark — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os.loadavg()[0].toFixed(1)}`);
  out.push(`Times are medians (in-process: ${SIZES.map((s) => `${runsFor(s)} runs at ${s}`).join(', ')}, after a warm-up, floor, yaml and ours interleaved run by run; third-party tools in a child process: 3 runs below 10,000, 1 at 10,000, capped at ${TIMEOUT_S} s). (N×) = ratio to the js-yaml floor.`);
  out.push('');
  out.push(line(table[0]));
  out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of table.slice(1)) out.push(line(row));
  out.push('');
  out.push('monokle: yaml-syntax, pod-security-standards, practices, resource-links, metadata. Not run: kubernetes-schema (fetches schemas at run time),');
  out.push('open-policy-agent and admission-policy (download WebAssembly at run time) — they cannot run offline. Time includes splitting files into resources.');
  out.push('yaml-language-server: its validator with the bundled Kubernetes 1.35 schemas via server/src/schema createSchemaService (one run at 10,000).');
  out.push('');
  if (rss.split) out.push(`Peak RSS, CLI scan of 10,000 resources: ${rss.split.mb.toFixed(0)} MB split (${fmtMs(rss.split.ms)} wall), ${rss.single!.mb.toFixed(0)} MB single file (${fmtMs(rss.single!.ms)} wall) [${rss.split.how}]`);
  if (whole)
    out.push(
      `Whole process, 10,000 resources in one file (${whole.runs} interleaved runs, medians): node -e js-yaml loadAll (floor) ${fmtMs(whole.floor.ms)} (1.0×, ${whole.floor.mb.toFixed(0)} MB); ` +
        `scan --format json to a file ${fmtMs(whole.json.ms)}${ratio(whole.json.ms, whole.floor.ms)}, peak RSS ${whole.json.mb.toFixed(0)} MB; ` +
        `--format sarif ${fmtMs(whole.sarif.ms)}${ratio(whole.sarif.ms, whole.floor.ms)}, peak RSS ${whole.sarif.mb.toFixed(0)} MB`,
    );
  out.push(`Re-lint latency (language server over stdio, ${relint.lines}-line file, ${relint.edits} one-line edits, didChange → publishDiagnostics, debounceMs 0 in initializationOptions): p50 ${relint.p50.toFixed(1)} ms, p95 ${relint.p95.toFixed(1)} ms, max ${relint.max.toFixed(1)} ms`);
  if (relintWs)
    out.push(`Re-lint latency in the 10,000-resource workspace (the server indexed the split corpus folder; a ${relintWs.lines}-line file of it, ${relintWs.edits} one-line edits of container env values): p50 ${relintWs.p50.toFixed(1)} ms, p95 ${relintWs.p95.toFixed(1)} ms, max ${relintWs.max.toFixed(1)} ms`);
  if (netpol)
    out.push(`Re-analysis after editing one NetworkPolicy (10,000 resources, ${netpol.policies} policies, ${netpol.files} files): ${fmtMs(netpol.wholeMs)} in one analyze(), ${fmtMs(netpol.lspBatchedMs)} as the language server does it (edited file, then batches of 100 files)`);
  out.push('Extension activation time in code-server: measured after this table by scripts/bench/activation.ts (a real editor per run).');

  // ---- targets
  out.push('');
  out.push('Targets:');
  const mark = (ok: boolean | undefined) => (ok === undefined ? 'n/a ' : ok ? 'MET ' : 'MISS');
  // The target (issue #4): the 10,000-resource corpus (one text of ~285k lines) against js-yaml `loadAll` of
  // that same text. The split layout and smaller sizes are shown, not judged: the split floor drops each
  // file's documents once parsed, where a scan must keep the whole workspace (keeping them costs js-yaml
  // about 1.35× here: 306 vs 225 ms), and below 10,000 fixed per-scan costs (the RBAC model's built-in roles, the
  // NetworkPolicy model) weigh against a floor of a few milliseconds.
  const ratioText = (rs: typeof rows) => rs.map((r) => `${r.layout} ${(r.oursMs / r.floorMs).toFixed(2)}×`).join(', ');
  const at10k = rows.filter((r) => r.size === 10000);
  const target = at10k.find((r) => r.layout === 'single');
  out.push(`  ${mark(target ? target.oursMs / target.floorMs <= 3 : undefined)} full scan of the 10,000-resource corpus ≤ 3× floor: ${target ? ratioText([target]) : 'not measured (BENCH_SIZES)'}`);
  for (const size of SIZES) {
    const info = rows.filter((r) => r.size === size && r !== target);
    if (info.length) out.push(`  info full scan of ${size.toLocaleString('en-US')} resources: ${ratioText(info)}`);
  }
  for (const r of at10k) {
    const m = r.monokle as ToolResult;
    const y = r.yls as ToolResult;
    const mRatio = m.ms !== undefined ? m.ms / r.oursMs : m.timedOut ? (TIMEOUT_S * 1000) / r.oursMs : NaN;
    out.push(`  ${mark(m.ms !== undefined || m.timedOut ? mRatio >= 100 : undefined)} ≥ 100× faster than monokle at 10,000 (${r.layout}): ${m.timedOut ? '> ' : ''}${mRatio.toFixed(0)}×`);
    const yRatio = y.ms !== undefined ? y.ms / r.oursMs : y.timedOut ? (TIMEOUT_S * 1000) / r.oursMs : NaN;
    out.push(`  ${mark(y.ms !== undefined || y.timedOut ? yRatio >= 15 : undefined)} ≥ 15× faster than yaml-language-server at 10,000 (${r.layout}): ${y.timedOut ? '> ' : ''}${yRatio.toFixed(0)}×`);
  }
  if (whole) {
    const r = (ms: number) => ms / whole!.floor.ms;
    out.push(`  ${mark(r(whole.json.ms) <= 2.5)} whole-process scan --format json ≤ 2.5× whole-process floor: ${r(whole.json.ms).toFixed(2)}×`);
    out.push(`  ${mark(r(whole.sarif.ms) <= 3)} whole-process scan --format sarif ≤ 3× whole-process floor: ${r(whole.sarif.ms).toFixed(2)}×`);
    out.push(`  ${mark(Math.max(whole.json.mb, whole.sarif.mb) <= 300)} whole-process peak RSS ≤ 300 MB: json ${whole.json.mb.toFixed(0)} MB, sarif ${whole.sarif.mb.toFixed(0)} MB`);
  }
  if (rss.split) out.push(`  ${mark(Math.max(rss.split.mb, rss.single!.mb) <= 300)} peak RSS ≤ 300 MB: ${Math.max(rss.split.mb, rss.single!.mb).toFixed(0)} MB`);
  out.push(`  ${mark(relint.p95 <= 30)} re-lint p95 ≤ 30 ms (${relint.lines}-line file): ${relint.p95.toFixed(1)} ms`);
  out.push(`  ${mark(relintWs ? relintWs.p95 <= 50 : undefined)} re-lint p95 ≤ 50 ms with 10,000 resources in the workspace: ${relintWs ? `${relintWs.p95.toFixed(1)} ms` : 'not measured (BENCH_RELINT_WS=0)'}`);
  out.push(`(${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
  const text = out.join('\n');
  console.log(text);

  let commit = '';
  try {
    commit = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).stdout.trim();
  } catch {
    /* not a git checkout */
  }
  const results = { date: new Date().toISOString(), commit, node: process.version, cpus: os.cpus().length, loadavg: os.loadavg(), timeoutS: TIMEOUT_S, rows, rss, whole, relint, relintWs, netpol, table: text };
  fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  process.stderr.write(`bench: wrote ${pathToFileURL(path.join(OUT, 'results.json')).href}\n`);
}

(process.argv[2] === '--relint' ? relintChildMain(process.argv.slice(3)) : main()).then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
