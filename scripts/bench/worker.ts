/**
 * Runs one third-party validator over a corpus directory in its own process
 * (so the benchmark can cap it with a timeout), and prints one JSON line:
 * {"times":[ms…],"results":n}.
 *
 *   node out/scripts/bench/worker.js yls|monokle <dir> <runs>
 *
 * yls: yaml-language-server's validator with the Kubernetes schemas, through
 * our server/src/schema createSchemaService (nothing fetched).
 * monokle: @monokle/validation with its offline plugins only (yaml-syntax,
 * pod-security-standards, practices, resource-links, metadata); its
 * kubernetes-schema plugin fetches schemas and its open-policy-agent and
 * admission-policy plugins fetch WebAssembly at run time, so they cannot run
 * offline and are off.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

const REPO = path.join(__dirname, '../../..');

function readCorpus(dir: string): { name: string; text: string }[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((name) => ({ name, text: fs.readFileSync(path.join(dir, name), 'utf8') }));
}

async function yls(files: { name: string; text: string }[], runs: number): Promise<{ times: number[]; results: number }> {
  const { createSchemaService } = await import('../../server/src/schema');
  const { TextDocument } = await import('vscode-languageserver-textdocument');
  const times: number[] = [];
  let results = 0;
  // One service, as in an editor: schemas load lazily during a first (untimed) run when there are several.
  const svc = createSchemaService({ schemasDir: path.join(REPO, 'schemas/v1.35') });
  for (let r = runs > 1 ? -1 : 0; r < runs; r++) {
    const t = performance.now();
    results = 0;
    for (const f of files) results += (await svc.validate(TextDocument.create(`file:///bench/${f.name}`, 'yaml', 1, f.text))).length;
    if (r >= 0) times.push(performance.now() - t);
  }
  return { times, results };
}

// tsc (module commonjs) would turn import() into require(), which cannot load an ES module on Node 20.
const importEsm = new Function('m', 'return import(m)') as (m: string) => Promise<any>;

async function monokle(files: { name: string; text: string }[], runs: number): Promise<{ times: number[]; results: number }> {
  const m = await importEsm('@monokle/validation');
  const YAML = await importEsm('yaml');
  const times: number[] = [];
  let results = 0;
  for (let r = 0; r < runs; r++) {
    const validator = new m.MonokleValidator({
      loader: new m.DefaultPluginLoader(),
      parser: new m.ResourceParser(),
      schemaLoader: new m.SchemaLoader(),
      suppressors: [new m.AnnotationSuppressor(), new m.FingerprintSuppressor()],
      fixer: new m.DisabledFixer(),
    });
    await validator.preload({
      plugins: {
        'yaml-syntax': true,
        'pod-security-standards': true,
        practices: true,
        'resource-links': true,
        metadata: true,
        'kubernetes-schema': false,
        'open-policy-agent': false,
        'admission-policy': false,
      },
    });
    const t = performance.now();
    // What a caller has to do first: split files into resources (as the Monokle CLI does).
    const resources: unknown[] = [];
    for (const f of files) {
      const lc = new YAML.LineCounter();
      const docs = YAML.parseAllDocuments(f.text, { lineCounter: lc });
      docs.forEach((doc: any, i: number) => {
        const content = doc.toJS();
        if (!content || typeof content !== 'object' || !content.kind) return;
        const [start, , end] = doc.range;
        resources.push({
          id: `${f.name}#${i}`,
          fileId: f.name,
          filePath: f.name,
          fileOffset: lc.linePos(start).line - 1,
          name: content.metadata?.name ?? '',
          apiVersion: content.apiVersion,
          kind: content.kind,
          namespace: content.metadata?.namespace,
          content,
          text: f.text.slice(start, end),
        });
      });
    }
    const response = await validator.validate({ resources });
    times.push(performance.now() - t);
    results = response.runs.reduce((n: number, run: any) => n + run.results.length, 0);
  }
  return { times, results };
}

async function main() {
  const [tool, dir, runsArg] = process.argv.slice(2);
  const files = readCorpus(dir);
  const runs = Number(runsArg ?? 1);
  const out = tool === 'yls' ? await yls(files, runs) : tool === 'monokle' ? await monokle(files, runs) : undefined;
  if (!out) throw new Error(`unknown tool ${tool}`);
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${(e as Error)?.stack ?? e}\n`);
    process.exit(1);
  },
);
