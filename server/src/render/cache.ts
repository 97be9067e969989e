/**
 * Render caches: a Kustomize or Helm render is a pure function of the files
 * the build reads, the arguments and the tool binary. The key hashes all
 * three (file contents, not times; the binary by its resolved path, size and
 * modification time, which change when it is upgraded), so a stale render is
 * never served: any edit, added or removed input, or new tool gives a new
 * key. A render whose inputs cannot all be named (remote bases, Helm charts
 * inflated by Kustomize) is never cached.
 *
 * Used in memory by the language server and on disk by the CLI's
 * `--cache-dir`. Only finished builds are stored (a success, or a failure
 * with kustomize's or helm's message); timeouts, cancellations and missing
 * tools are not.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A finished build. `wrapperDir` is the folder origin annotations are relative to (Kustomize). */
export interface CachedRender {
  ok: boolean;
  /** The rendered YAML when `ok`, else the tool's message. */
  text: string;
  wrapperDir?: string;
}

export interface RenderCache {
  get(key: string): CachedRender | undefined;
  set(key: string, value: CachedRender): void;
}

/** In memory, least recently used first out beyond `maxBytes` (default 256 MiB). */
export class MemoryRenderCache implements RenderCache {
  private readonly entries = new Map<string, CachedRender>();
  private bytes = 0;
  constructor(private readonly maxBytes = 256 * 1024 * 1024) {}

  get(key: string): CachedRender | undefined {
    const v = this.entries.get(key);
    if (v) {
      this.entries.delete(key);
      this.entries.set(key, v);
    }
    return v;
  }

  set(key: string, value: CachedRender): void {
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.text.length;
      this.entries.delete(key);
    }
    if (value.text.length > this.maxBytes) return;
    this.entries.set(key, value);
    this.bytes += value.text.length;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.text.length;
    }
  }
}

/**
 * One JSON file per key in `dir` (created on first write). Unreadable or
 * foreign entries are misses; writes go through a temporary file and a
 * rename, so concurrent runs never read half an entry.
 */
export class DirRenderCache implements RenderCache {
  constructor(readonly dir: string) {}

  private file(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }

  get(key: string): CachedRender | undefined {
    try {
      const v = JSON.parse(fs.readFileSync(this.file(key), 'utf8'));
      if (v && v.format === FORMAT && typeof v.ok === 'boolean' && typeof v.text === 'string') return { ok: v.ok, text: v.text, wrapperDir: typeof v.wrapperDir === 'string' ? v.wrapperDir : undefined };
    } catch {
      // a miss
    }
    return undefined;
  }

  set(key: string, value: CachedRender): void {
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      const tmp = `${this.file(key)}.${crypto().randomBytes(6).toString('hex')}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ format: FORMAT, ...value }));
      fs.renameSync(tmp, this.file(key));
    } catch {
      // A cache that cannot be written is only slower.
    }
  }
}

const FORMAT = 'k8s-guardrails-render-cache/1';

const toolIds = new Map<string, string | undefined>();

/** The resolved binary of `command` as `path:size:mtime`, or undefined when it cannot be found. */
export function toolIdentity(command: string): string | undefined {
  const cacheKey = `${command}\0${process.env.PATH ?? ''}`;
  if (toolIds.has(cacheKey)) return toolIds.get(cacheKey);
  let id: string | undefined;
  const candidates = command.includes('/') || command.includes(path.sep) ? [path.resolve(command)] : (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((d) => path.join(d, command));
  for (const c of candidates) {
    try {
      const real = fs.realpathSync(c);
      const st = fs.statSync(real);
      if (!st.isFile()) continue;
      id = `${real}:${st.size}:${st.mtimeMs}`;
      break;
    } catch {
      // next
    }
  }
  toolIds.set(cacheKey, id);
  return id;
}

/**
 * Content hashes of the inputs of one run, shared by all keys built in it
 * (a base used by 40 overlays is read once). Create one per scan or per
 * re-render: it assumes files do not change while it lives.
 */
export class InputHasher {
  private readonly files = new Map<string, string>();

  /** A file's content hash, `dir:<listing hash>` for a folder (recursively, without .git), `missing` when absent. */
  hash(p: string): string {
    const known = this.files.get(p);
    if (known !== undefined) return known;
    let h: string;
    try {
      const st = fs.statSync(p);
      if (st.isDirectory()) {
        const parts: string[] = [];
        for (const e of fs.readdirSync(p).sort()) if (e !== '.git') parts.push(`${e}=${this.hash(path.join(p, e))}`);
        h = `dir:${sha(parts.join('\n'))}`;
      } else h = sha(fs.readFileSync(p));
    } catch {
      h = 'missing';
    }
    this.files.set(p, h);
    return h;
  }
}

// Required on first use: a scan that renders nothing does not pay for loading node:crypto.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const crypto = () => require('node:crypto') as typeof import('node:crypto');
const sha = (data: string | Buffer) => crypto().createHash('sha256').update(data).digest('hex');

/**
 * The key of a render, or undefined when the tool cannot be identified.
 * `inputs` are absolute paths (files or folders) the build reads.
 */
export function renderKey(kind: 'kustomize' | 'helm', command: string, args: readonly string[], inputs: Iterable<string>, hasher: InputHasher): string | undefined {
  const tool = toolIdentity(command);
  if (!tool) return undefined;
  const files = [...new Set(inputs)].sort().map((p) => `${p}\0${hasher.hash(p)}`);
  return sha(JSON.stringify({ v: 1, kind, tool, args, files }));
}
