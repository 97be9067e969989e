/**
 * The one glob dialect of k8s-guardrails (picomatch, bundled), as VS Code's
 * `files.exclude`: `*` any characters but `/` (dot files included), `**` any
 * number of whole path segments, `?` one character but `/`, `{a,b}`
 * alternatives, `[abc]`, `[a-z]` and `[!a]` classes. Nothing else is special:
 * parentheses, `|`, `+`, `@` and a leading `!` are literal (no extglobs, no
 * negation). Paths use forward slashes; a backslash in a pattern is a path
 * separator (Windows users write `charts\**`), not an escape.
 *
 * Used for CLI arguments, `paths.ignore` and ignore `path:` entries in
 * `.k8s-guardrails.yaml`, and `files.exclude` in the language server.
 */
import picomatch from 'picomatch';

const OPTIONS: picomatch.PicomatchOptions = { dot: true, noextglob: true, nonegate: true, posix: true };

const GLOB_CHARS = /[*?[{]/;

/** True when `pattern` has a wildcard, a class or alternatives. */
export function hasGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

/** Backslashes to slashes; parentheses and `|` literal (picomatch reads them as regex groups). */
function normalise(pattern: string): string {
  return pattern.replace(/\\/g, '/').replace(/[()|]/g, '\\$&');
}

/**
 * A matcher of whole paths (forward slashes) against `pattern`. With
 * `orBelow`, a path below a matching one matches too (`files.exclude`: an
 * excluded folder excludes its contents).
 */
export function pathGlob(pattern: string, opts: { orBelow?: boolean } = {}): (path: string) => boolean {
  const p = normalise(pattern);
  const below = p.replace(/\/+$/, '');
  const m = picomatch(opts.orBelow && below ? [p, `${below}/**`] : p, OPTIONS);
  return (path) => m(path); // one argument: picomatch's second one asks for a result object (truthy)
}

/**
 * A matcher of names (rule ids, kinds, namespaces, resource and container
 * names): the same dialect, but `*` and `?` also match `/`.
 */
export function nameGlob(pattern: string): (name: string) => boolean {
  const m = picomatch(pattern.replace(/[()|\\]/g, '\\$&'), { ...OPTIONS, bash: true });
  return (name) => m(name);
}

/**
 * Split a pattern into the directory to walk from (its leading segments
 * without wildcards) and the pattern relative to it.
 */
export function globBase(pattern: string): { base: string; rest: string } {
  const segments = pattern.replace(/\\/g, '/').split('/');
  const i = segments.findIndex((s) => hasGlob(s));
  if (i < 0) return { base: pattern, rest: '' };
  let base = segments.slice(0, i).join('/');
  if (base === '' && pattern.startsWith('/')) base = '/';
  return { base: base === '' ? '.' : base, rest: segments.slice(i).join('/') };
}

/**
 * A matcher for ignore patterns (`paths.ignore`), relative to the config
 * file's directory: a pattern without `/` matches a file or directory name
 * at any depth (`generated` or `*.tmpl.yaml`), one with `/` matches from
 * the root (`charts/**`, `base/secret.yaml`); a matching directory ignores
 * everything below it.
 */
export function ignoreMatcher(patterns: string[]): (relPath: string) => boolean {
  const matchers: ((p: string) => boolean)[] = [];
  for (let p of patterns) {
    p = p.replace(/\\/g, '/').replace(/^\.\//, '');
    const anchored = p.replace(/\/+$/, '').includes('/');
    p = p.replace(/\/+$/, '').replace(/^\//, '');
    if (!p) continue;
    matchers.push(pathGlob(anchored ? p : `**/${p}`, { orBelow: true }));
  }
  return (rel) => {
    const r = rel.replace(/\\/g, '/');
    return matchers.some((m) => m(r));
  };
}
