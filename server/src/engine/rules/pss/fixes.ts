/** Fix builders shared by the PSS rules: each turns one offending location into an edit. */
import { Resource } from '../../model';
import { appendTo, removeItem, removeKey, setIn, YamlValue } from '../../fix/edits';
import { Fix } from '../types';

type Path = readonly (string | number)[];

export function setTo(title: string, value: YamlValue) {
  return (res: Resource, path: Path): Fix[] => {
    const edit = setIn(res, path, value);
    return edit ? [{ title: title, edits: [edit], fixAll: true, preferred: true }] : [];
  };
}

/** Remove the offending list item (path ends in an index) or key. */
export function remove(title: (res: Resource, path: Path) => string) {
  return (res: Resource, path: Path): Fix[] => {
    const last = path[path.length - 1];
    const edit = typeof last === 'number' ? removeItem(res, path.slice(0, -1), last) : removeKey(res, path);
    return edit ? [{ title: title(res, path), edits: [edit], fixAll: true, preferred: true }] : [];
  };
}

/** Remove a list item whose offending field is one level below it (e.g. sysctls[i].name). */
export function removeParentItem(title: string) {
  return (res: Resource, path: Path): Fix[] => {
    let i = path.length - 1;
    while (i >= 0 && typeof path[i] !== 'number') i--;
    if (i < 0) return [];
    const edit = removeItem(res, path.slice(0, i), path[i] as number);
    return edit ? [{ title, edits: [edit], fixAll: true, preferred: true }] : [];
  };
}

export function dropAll(res: Resource, path: Path): Fix[] {
  const value = res.locate(path);
  const exists = value && value.depth === res.prefix.length + path.length && value.node.kind === 'seq';
  const edit = exists ? appendTo(res, path, 'ALL') : setIn(res, path, ['ALL']);
  return edit ? [{ title: 'Drop ALL capabilities', edits: [edit], fixAll: true, preferred: true }] : [];
}

export function valueAt(res: Resource, path: Path): unknown {
  let cur: any = res.object;
  for (const s of path) cur = cur?.[s];
  return cur;
}
