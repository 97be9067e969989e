/**
 * The configuration file as the CLI reads it: `--config <file>`, or
 * `.k8s-guardrails.yaml` / `.yml` in the current directory. Besides `pss`
 * and `rules` (parsed by the engine, shared with the editor) the CLI honours
 *
 *     paths:
 *       ignore: [charts/**, "*.tmpl.yaml"]   # files not to scan
 *
 * Any error in the file is fatal (exit 2), naming the file, line and value.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAMES, ConfigError, didYouMean, parseConfig, WorkspaceConfig } from '../engine/config';
import { isObject, loadSourceFile, Resource } from '../engine/model';
import { ConfigFileError, UsageError } from './errors';

export interface CliConfig {
  /** The file as named (relative to the current directory when found there). */
  file: string;
  /** Its directory (absolute): `paths.ignore` patterns are relative to it. */
  dir: string;
  config: WorkspaceConfig;
  ignore: string[];
}

export function findConfig(cwd: string): string | undefined {
  return CONFIG_FILE_NAMES.find((n) => {
    try {
      return fs.statSync(path.join(cwd, n)).isFile();
    } catch {
      return false;
    }
  });
}

export function loadConfig(explicit: string | undefined, cwd: string): CliConfig | undefined {
  const file = explicit ?? findConfig(cwd);
  if (file === undefined) return undefined;
  const abs = path.resolve(cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new UsageError(`cannot read configuration file '${file}': ${why}`);
  }
  const parsed = parseConfig(abs, text);
  const errors = [...parsed.errors];
  const ignore = parsePaths(abs, text, errors);
  if (errors.length) {
    const lines = errors
      .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character)
      .map((e) => `  ${file}:${e.range.start.line + 1}:${e.range.start.character + 1}: ${e.message}`);
    throw new ConfigFileError(`invalid configuration file '${file}' (${errors.length} error${errors.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
  }
  return { file, dir: path.dirname(abs), config: parsed.config, ignore };
}

/** `paths: {ignore: [globs]}`, with ranges for its errors. */
function parsePaths(uri: string, text: string, errors: ConfigError[]): string[] {
  const file = loadSourceFile(uri, text, undefined, { maxFileBytes: 1024 * 1024 });
  const doc = file.documents[0];
  const value = doc?.value;
  if (!doc || doc.error || !isObject(value) || value.paths === undefined || value.paths === null) return [];
  const view = new Resource(file, doc, [], value);
  const err = (p: (string | number)[], message: string) => errors.push({ message, range: view.range(p) });
  const paths = value.paths;
  if (!isObject(paths)) {
    err(['paths'], `"paths" must be a mapping with "ignore" (a list of globs), not ${JSON.stringify(paths)}`);
    return [];
  }
  const out: string[] = [];
  for (const [k, v] of Object.entries(paths)) {
    if (k !== 'ignore') {
      err(['paths', k], `unknown key "paths.${k}"${didYouMean(k, ['ignore'])}`);
      continue;
    }
    if (v === null || v === undefined) continue;
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list)) {
      err(['paths', 'ignore'], `"paths.ignore" must be a list of globs, not ${JSON.stringify(v)}`);
      continue;
    }
    list.forEach((g, i) => {
      if (typeof g !== 'string' || g.trim() === '') err(['paths', 'ignore', ...(typeof v === 'string' ? [] : [i])], `invalid glob ${JSON.stringify(g)} in "paths.ignore" (expected a non-empty string)`);
      else out.push(g.trim());
    });
  }
  return out;
}
