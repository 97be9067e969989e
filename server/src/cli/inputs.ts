/**
 * From command-line arguments to the files to scan: files, directories
 * (searched for *.yaml / *.yml), globs (expanded here, so quoting them works
 * everywhere) and `-` for standard input. Reading applies the size limit and
 * skips binary files; nothing here throws on bad input except a missing
 * argument (a usage error).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAMES } from '../engine';
import { formatSize, overSizeLimit } from '../engine';
import { UsageError } from './errors';
import { globBase, hasGlob, pathGlob } from '../engine';

export const YAML_FILE = /\.ya?ml$/i;

/** The CLI's file size limit: large generated files (CRD bundles, installs) are common in CI. */
export const CLI_MAX_FILE_BYTES = 64 * 1024 * 1024;
const SKIP_DIRS = new Set(['node_modules', '.git']);

export interface Problems {
  /** Files that should have been scanned but could not be read: the scan is incomplete (exit 2). */
  error(message: string): void;
  /** Files deliberately left out (too large, binary, ignored): reported, the exit status is unaffected. */
  note(message: string): void;
}

export interface CollectOptions {
  cwd: string;
  /** True when a discovered path is excluded by the config's `paths.ignore`. */
  ignored?: (file: string) => boolean;
  problems: Problems;
}

export interface Input {
  /** Path as shown in reports (as given, or joined to the directory or glob base), or `-`. */
  path: string;
  /** Named on the command line (not found by walking a directory or expanding a glob). */
  explicit: boolean;
}

function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  return (e as Error)?.message ?? String(e);
}

/** Expand every argument, in order, without duplicates. */
export function collectInputs(args: string[], opts: CollectOptions): Input[] {
  const out: Input[] = [];
  const seen = new Set<string>();
  const add = (p: string, explicit: boolean) => {
    const key = p === '-' ? '-' : path.resolve(opts.cwd, p);
    if (seen.has(key)) return;
    seen.add(key);
    if (p !== '-' && opts.ignored?.(key)) {
      if (explicit) opts.problems.note(`skipped ${p}: ignored by paths.ignore in the configuration`);
      return;
    }
    out.push({ path: p, explicit });
  };
  const abs = (p: string) => path.resolve(opts.cwd, p);

  for (const arg of args) {
    if (arg === '-') {
      add('-', true);
      continue;
    }
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(abs(arg));
    } catch (e) {
      if (!hasGlob(arg)) {
        let why = errnoText(e);
        if ((e as NodeJS.ErrnoException).code === 'ENOENT' && isDanglingLink(abs(arg))) why = 'dangling symbolic link';
        throw new UsageError(`cannot read '${arg}': ${why}`);
      }
    }
    if (stat?.isDirectory()) {
      const found = walk(arg, abs(arg), opts);
      if (!found.length) throw new UsageError(`no YAML files (*.yaml, *.yml) in directory '${arg}'`);
      for (const f of found) add(f, false);
    } else if (stat) add(arg, true); // a file (even one whose name has * or ?)
    else {
      const matches = expandGlob(arg, opts);
      if (!matches.length) throw new UsageError(`no files match '${arg}'`);
      for (const f of matches) add(f, false);
    }
  }
  return out;
}

function isDanglingLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function readdir(dir: string, shown: string, opts: CollectOptions): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (e) {
    opts.problems.error(`cannot read directory '${shown}': ${errnoText(e)}`);
    return [];
  }
}

/** What a directory entry is, following symbolic links to files (not to directories: no cycles). */
function entryKind(dir: string, entry: fs.Dirent): 'file' | 'dir' | 'dangling' | 'other' {
  if (entry.isDirectory()) return 'dir';
  if (entry.isFile()) return 'file';
  if (entry.isSymbolicLink()) {
    try {
      const s = fs.statSync(path.join(dir, entry.name));
      return s.isFile() ? 'file' : 'other';
    } catch {
      return 'dangling';
    }
  }
  return 'other';
}

/** YAML files under a directory, sorted, skipping node_modules, .git and the configuration file. */
function walk(shown: string, dir: string, opts: CollectOptions): string[] {
  const out: string[] = [];
  const visit = (shownDir: string, absDir: string) => {
    for (const entry of readdir(absDir, shownDir, opts)) {
      const shownPath = path.join(shownDir, entry.name);
      const kind = entryKind(absDir, entry);
      if (kind === 'dir') {
        if (!SKIP_DIRS.has(entry.name)) visit(shownPath, path.join(absDir, entry.name));
      } else if (YAML_FILE.test(entry.name) && !CONFIG_FILE_NAMES.includes(entry.name)) {
        // A dangling link is an input that cannot be read: reported as not analysed.
        if (kind === 'file' || kind === 'dangling') out.push(shownPath);
      }
    }
  };
  visit(shown, dir);
  return out;
}

/**
 * Expand a glob relative to the current directory. Matching directories are
 * searched like directory arguments; matching files are taken when they are
 * YAML, or when the pattern's last segment ends in literal text (`*.json`).
 */
function expandGlob(pattern: string, opts: CollectOptions): string[] {
  const { base, rest } = globBase(pattern);
  const absBase = path.resolve(opts.cwd, base);
  const matches = pathGlob(rest);
  const last = rest.split('/').pop() ?? '';
  const anyFile = !/[*?\]]$/.test(last);
  const out: string[] = [];
  const prefix = base === '.' && !pattern.startsWith('./') ? '' : base;
  const visit = (relDir: string, absDir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(absDir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (e) {
      if (relDir) opts.problems.error(`cannot read directory '${path.join(prefix, relDir)}': ${errnoText(e)}`);
      return;
    }
    for (const entry of entries) {
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      const shown = prefix ? path.join(prefix, rel) : rel;
      const kind = entryKind(absDir, entry);
      if (kind === 'dir') {
        if (SKIP_DIRS.has(entry.name)) continue;
        if (matches(rel)) for (const f of walk(shown, path.join(absDir, entry.name), opts)) out.push(f);
        else visit(rel, path.join(absDir, entry.name));
      } else if (matches(rel) && (anyFile || YAML_FILE.test(entry.name)) && !CONFIG_FILE_NAMES.includes(entry.name)) {
        if (kind === 'file' || kind === 'dangling') out.push(shown);
      }
    }
  };
  visit('', absBase);
  return out;
}

/** A file's text, or why it is not analysed (`skipped`: deliberately, `error`: it could not be read). */
export type ReadResult = { text: string } | { skipped: string } | { error: string };

export const formatBytes = formatSize;

/** Decode a file's bytes, or say why it is not scanned. */
function tooLarge(size: number, maxBytes: number): ReadResult {
  return { skipped: overSizeLimit(size, maxBytes, '--max-file-size') };
}

export function decode(buf: Buffer, maxBytes: number): ReadResult {
  if (buf.length > maxBytes) return tooLarge(buf.length, maxBytes);
  if (buf.includes(0)) return { skipped: 'it is a binary file (it contains NUL bytes), not YAML' };
  let text = buf.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text };
}

export function readInput(file: string, cwd: string, maxBytes: number): ReadResult {
  const p = path.resolve(cwd, file);
  try {
    const stat = fs.statSync(p);
    if (stat.isDirectory()) return { error: 'it is a directory' };
    // Regular files: check the size before reading; pipes (`<(kustomize build)`) are read first.
    if (stat.isFile() && stat.size > maxBytes) return tooLarge(stat.size, maxBytes);
    return decode(fs.readFileSync(p), maxBytes);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' && isDanglingLink(p) ? 'dangling symbolic link' : errnoText(e);
    return { error: `it cannot be read (${why})` };
  }
}
