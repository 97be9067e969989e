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
import { CONFIG_FILE_NAMES, ConfigFile, readConfigFile, WorkspaceConfig } from '../engine';
import { ConfigFileError, UsageError } from './errors';

export interface CliConfig {
  /** The file as named (relative to the current directory when found there). */
  file: string;
  /** Its directory (absolute): `paths.ignore` patterns are relative to it. */
  dir: string;
  config: WorkspaceConfig;
  ignore: string[];
  /** The parsed file, as the engine's AnalysisHost takes it. */
  parsed: ConfigFile;
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
  // Named as given: that is the uri of its `unused-ignore` findings.
  const parsed = readConfigFile(file, text, { dir: path.dirname(abs), cwd });
  const errors = [...parsed.errors, ...parsed.pathErrors];
  if (errors.length) {
    const lines = errors
      .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character)
      .map((e) => `  ${file}:${e.range.start.line + 1}:${e.range.start.character + 1}: ${e.message}`);
    throw new ConfigFileError(`invalid configuration file '${file}' (${errors.length} error${errors.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
  }
  return { file, dir: path.dirname(abs), config: parsed.config, ignore: parsed.ignorePaths, parsed };
}
