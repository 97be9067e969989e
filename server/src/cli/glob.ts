/**
 * Minimal globs for the CLI (no shell needed, so quoted patterns work the
 * same on every platform): `*` any characters but `/`, `**` any number of
 * path segments, `?` one character but `/`. Everything else is literal.
 * Paths are matched with forward slashes.
 */

const GLOB_CHARS = /[*?]/;

export function hasGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

function escape(s: string): string {
  return s.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}

/** A RegExp matching whole paths (forward slashes) against `pattern`. */
export function globToRegExp(pattern: string): RegExp {
  const segments = pattern.replace(/\\/g, '/').split('/');
  let re = '';
  segments.forEach((seg, i) => {
    const last = i === segments.length - 1;
    if (seg === '**') {
      // Zero or more whole segments.
      re += last ? '.*' : '(?:[^/]*/)*';
      return;
    }
    for (const ch of seg) re += ch === '*' ? '[^/]*' : ch === '?' ? '[^/]' : escape(ch);
    if (!last) re += '/';
  });
  return new RegExp(`^${re}$`);
}

/**
 * Split a pattern into the directory to walk from (its leading segments
 * without wildcards) and the pattern relative to it.
 */
export function globBase(pattern: string): { base: string; rest: string } {
  const segments = pattern.replace(/\\/g, '/').split('/');
  const i = segments.findIndex((s) => hasGlob(s));
  if (i < 0) return { base: pattern, rest: '' };
  const baseSegs = segments.slice(0, i);
  let base = baseSegs.join('/');
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
  const res: RegExp[] = [];
  for (let p of patterns) {
    p = p.replace(/\\/g, '/').replace(/^\.\//, '');
    const anchored = p.includes('/') && !p.endsWith('/') ? true : p.slice(0, -1).includes('/');
    p = p.replace(/\/+$/, '').replace(/^\//, '');
    if (!p) continue;
    const full = anchored ? p : `**/${p}`;
    res.push(globToRegExp(full), globToRegExp(`${full}/**`));
  }
  return (rel) => {
    const r = rel.replace(/\\/g, '/');
    return res.some((re) => re.test(r));
  };
}
