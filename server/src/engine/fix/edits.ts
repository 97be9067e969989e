/**
 * Minimal text edits on YAML source: replace a scalar, insert a key into a
 * block or flow mapping with the surrounding indentation. Edits touch only
 * the bytes that change, so comments, quoting and layout elsewhere survive.
 */
import { Resource } from '../model';
import { TextEdit } from '../rules/types';
import { YPath } from '../yaml/parse';

/** Replace the scalar at `path` (which must exist) with `newText`. */
export function replaceScalar(res: Resource, path: YPath, newText: string): TextEdit | undefined {
  const found = res.locate(path);
  if (!found || found.depth !== res.prefix.length + path.length) return undefined;
  const n = found.node;
  if (n.kind !== 'scalar') return undefined;
  const base = res.doc.start;
  return { uri: res.file.uri, range: res.file.lines.range(base + n.start, base + n.end), newText };
}
