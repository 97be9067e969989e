/** The seed corpus: our fixtures and the example / reference-article manifests. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** Repository root: the nearest ancestor with package.json and test/fixtures (normally out/scripts/fuzz/../../..). */
export const REPO = ((): string => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'test/fixtures'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(__dirname, '../../..');
  }
})();

export interface Seed {
  /** Repository-relative path. */
  name: string;
  text: string;
}

const ROOTS = ['test/fixtures', 'examples'];

function walk(dir: string, out: string[]): void {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, out);
    else if (/\.ya?ml$/.test(e)) out.push(p);
  }
}

let cached: Seed[] | undefined;

/** Every *.yaml / *.yml under test/fixtures and examples, in a stable order. */
export function loadCorpus(root = REPO): Seed[] {
  if (cached) return cached;
  const files: string[] = [];
  for (const r of ROOTS) walk(path.join(root, r), files);
  cached = files.map((f) => ({ name: path.relative(root, f).split(path.sep).join('/'), text: readFileSync(f, 'utf8') }));
  if (!cached.length) throw new Error(`fuzz: no seed YAML found under ${ROOTS.join(', ')} of ${root}`);
  return cached;
}
