/**
 * A bundle next to this file (server/out/<bundle>, as scripts/build.mjs writes them), else, from tsc output
 * (no bundles next to it), the compiled module itself. The path is computed, so esbuild leaves it to run time
 * and each bundle stays out of the one that loads it.
 *
 * With `codeCache`, a bundle that has a V8 code cache next to it (`<bundle>.cache`, written by the build:
 * `writeCodeCacheAtExit`) is compiled from that cache: V8 then skips compiling the functions the build's run
 * compiled (≈25 ms of a CLI scan). The cache file holds the bundle's own bytes before V8's data, and is used
 * only when they are the bundle's bytes exactly: V8 itself checks only the source's length. Anything else —
 * no cache, a cache of another build, another node (V8 rejects data of another version or flags), a
 * truncated file — loads the bundle with a plain `require`; a cache never makes loading fail.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire, Module } from 'node:module';
import * as vm from 'node:vm';

export function loadBundle(bundle: string, module: string, opts: { codeCache?: boolean } = {}): unknown {
  const bundled = path.join(__dirname, bundle);
  if (!fs.existsSync(bundled)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(__dirname, module));
  }
  if (opts.codeCache) {
    const loaded = loadWithCodeCache(bundled);
    if (loaded) return loaded.exports;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(bundled);
}

/** The cache file: the bundle's length (uint32 LE), its bytes, then V8's cached data. */
const HEADER = 4;

/** The module as `require` would make it, compiled from `<file>.cache`; undefined when there is no usable cache. */
function loadWithCodeCache(file: string): Module | undefined {
  let source: Buffer;
  let cache: Buffer;
  try {
    cache = fs.readFileSync(file + '.cache');
    source = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  if (cache.length <= HEADER + source.length || cache.readUInt32LE(0) !== source.length || !source.equals(cache.subarray(HEADER, HEADER + source.length))) return undefined;
  const script = compile(file, source.toString('utf8'), cache.subarray(HEADER + source.length));
  if (script.cachedDataRejected !== false) return undefined;
  return run(file, script);
}

/** The bundle wrapped as node wraps a CommonJS module, named after its file (stack traces, source maps). */
function compile(file: string, source: string, cachedData?: Buffer): vm.Script {
  return new vm.Script(Module.wrap(source), { filename: file, cachedData });
}

/** Runs a compiled bundle as a module of its own: `require`, `module`, `exports`, `__filename`, `__dirname` and `require.cache` as for a `require`. */
function run(file: string, script: vm.Script): Module {
  // Node's own (undocumented but stable) loader state: the module in require.cache, its node_modules paths.
  const loader = Module as unknown as { _cache: Record<string, Module>; _nodeModulePaths(dir: string): string[] };
  const m = new Module(file, module);
  m.filename = file;
  m.paths = loader._nodeModulePaths(path.dirname(file));
  loader._cache[file] = m;
  try {
    (script.runInThisContext() as (...args: unknown[]) => void).call(m.exports, m.exports, createRequire(file), m, file, path.dirname(file));
  } catch (e) {
    delete loader._cache[file];
    throw e;
  }
  m.loaded = true;
  return m;
}

/**
 * For the build (scripts/code-cache.mjs): the bundle compiled without a cache, run, and at the process's
 * exit — when the run has compiled the functions it used — V8's code cache written to `<bundle>.cache`.
 */
export function writeCodeCacheAtExit(bundle: string): void {
  const file = path.join(__dirname, bundle);
  const source = fs.readFileSync(file);
  const script = compile(file, source.toString('utf8'));
  process.on('exit', () => {
    const header = Buffer.alloc(HEADER);
    header.writeUInt32LE(source.length, 0);
    fs.writeFileSync(file + '.cache', Buffer.concat([header, source, script.createCachedData()]));
  });
  run(file, script);
}
