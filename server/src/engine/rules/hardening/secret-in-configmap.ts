import { isObject, Resource } from '../../model';
import { Range } from '../../text';
import { locateSpan, spanEnd, spanStart } from '../../yaml/parse';
import { defineRule } from '../types';
import { CIS } from './util';
import { classifyValue, nameClass, nameTokens } from './literal-secret-in-env';

/**
 * Which ConfigMap values are reported (precision first: ConfigMaps hold Grafana dashboards, nginx configs,
 * Prometheus rules and scripts, full of the words "token" and "secret"):
 *  1. Anywhere in a value: a PEM private key block with its base64 body, or a known token shape (AWS access key
 *     id, GitHub, GitLab and Slack tokens, a JSON Web Token) — whatever the key.
 *  2. A one-line value whose data key names a secret, by the env-var rule's name classes (`literal-secret-in-env`):
 *     a strong word (password, passwd, secret, api_key, private_key…) reports a plain literal, a weak one
 *     (token, auth, credentials) only a random-looking value or a `user:password` pair.
 *  3. Inside a multi-line value (a config file): a `key: value`, `key = value` or `"key": "value"` line whose
 *     key names a secret as in 2 and whose value is a plain literal.
 * Never: empty values, placeholders (`changeme`, `<password>`, `xxx`, `***`, the key word itself…), references
 * (`${VAR}`, `{{ … }}`, `#{…}`, `%(x)s`, `$(VAR)`, `$VAR`, `ENC(…)`, an all-caps variable name), file paths, host
 * names, URLs without a password, numbers and flags, values with spaces or code punctuation, and — unless random —
 * the names of objects (`grafana-admin-creds`) or values of keys that refer to a Secret (`existingSecret`, `secretRef`,
 * `tlsSecret`).
 */

/** A PEM private key with at least one line of its base64 body (a bare header in documentation is not a key); `\n` escapes too (JSON). */
const PEM_PRIVATE_KEY = /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----(\s|\\n)+(Proc-Type:[^\n]*(\s|\\n)+DEK-Info:[^\n]*(\s|\\n)+)?[A-Za-z0-9+/=]{40,}/;

/** Known token shapes, searched inside text (word-bounded). */
const TOKENS_IN_TEXT: { name: string; re: RegExp }[] = [
  { name: 'an AWS access key id', re: /(?<![A-Za-z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/ },
  { name: 'a GitHub token', re: /(?<![A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,})(?![A-Za-z0-9_])/ },
  { name: 'a GitLab token', re: /(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20}(?![A-Za-z0-9_-])/ },
  { name: 'a Slack token', re: /(?<![A-Za-z0-9])xox[abposr]-[0-9]{8,}-[A-Za-z0-9-]{10,}/ },
  { name: 'a JSON Web Token', re: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,}/ },
];

/** A literal every pattern of PEM_PRIVATE_KEY and TOKENS_IN_TEXT contains (keep in step with them). */
const MAYBE_TOKEN = /PRIVATE KEY|AKIA|ASIA|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|eyJ/;

/** Documentation examples of the issuers (AWS's `AKIAIOSFODNN7EXAMPLE`) and obvious fillers. */
const EXAMPLE_TOKEN = /EXAMPLE|XXXX|xxxx|0000000000|1234567890|abcdef/;

const PLACEHOLDER =
  /^(change[-_ .]?(me|it|this)|replace[-_ .]?me|todo|tbd|fixme|none|null|nil|undefined|empty|placeholder|example|dummy|fake|sample|default|x+|\*+|\.+|-+|#+|redacted|hidden|masked|secret|secrets|password|passwd|pass|token|apikey|api[-_]key|key|your[-_ ].*|my[-_ ]?(secret|password|token|key).*|(some|the|a)[-_ ]?(secret|password|token|key)|<[^>]*>|\[[^\]]*\]|\([^)]*\))$/i;
/** Placeholder words anywhere in the value (`CHANGEME00000000`, `example-token`, `<your-password>`). */
const PLACEHOLDER_WORD = /change[-_ .]?me|changeit|replace[-_ .]?(me|this)|placeholder|example|dummy|your[-_ ]|redacted|fixme|todo/i;
/** References resolved elsewhere: templates, environment substitution, encrypted or external values. */
const REFERENCE = /\$\{|\{\{|#\{|%\(|%\{|\$\(|^\$[A-Za-z_]|^@[A-Za-z_].*@$|^__.*__$|^ENC\(|^vault:|^ref\+|^secretref:|^(env|file|secret):/i;
/** An environment variable name standing for the value (`password: DB_PASSWORD`). */
const ENV_NAME = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/;
/** The name of a Kubernetes object (`grafana-admin-creds`, `shop.tls`): a Secret referred to by name, not a secret. */
const OBJECT_NAME = /^[a-z][a-z0-9]*([-.][a-z0-9]+)+$/;
/** Key words that make the value a reference to a Secret (`existingSecret`, `secretRef`, `tlsSecret`). */
const REFERENCE_TOKENS = new Set(['EXISTING', 'REF', 'TLS', 'CERT', 'CERTIFICATE']);
/** What a plain literal looks like: no spaces, no code or markup punctuation. */
const PLAIN_LITERAL = /^[^\s()[\]{}<>`'",;|\\]+$/;

/** `"x"`, `'x'`, trailing `,` (JSON) or `;` and a trailing ` # comment` removed. */
function unquote(raw: string): string {
  let v = raw.trim().replace(/[,;]$/, '').trim();
  const q = /^"(.*)"$|^'(.*)'$/.exec(v);
  if (q) return q[1] ?? q[2];
  v = v.replace(/\s+#.*$/, '');
  return v;
}

/** Why a literal under a secret-looking key is a secret (undefined: it is not reported). */
function literalVerdict(key: string, value: string): string | undefined {
  // The key first: most keys name no secret (and nameClass is cached by name), so the value's tests are skipped.
  const n = nameClass(key);
  if (n === 'none') return undefined;
  const v = value.trim();
  if (v.length < 4 || PLACEHOLDER.test(v) || PLACEHOLDER_WORD.test(v) || REFERENCE.test(v) || ENV_NAME.test(v) || !PLAIN_LITERAL.test(v)) return undefined;
  const c = classifyValue(v);
  if (c.kind === 'benign') return undefined;
  if (c.kind === 'token') return `the value has the shape of ${c.shape}`;
  if (c.kind === 'literal' && (OBJECT_NAME.test(v) || nameTokens(key).some((t) => REFERENCE_TOKENS.has(t)))) return undefined;
  if (n === 'strong') return c.kind === 'random' ? 'the key names a secret and the value looks random' : 'the key names a secret';
  if (c.kind === 'random') return 'the key names a credential and the value looks random';
  if (c.kind === 'pair') return 'the key names a credential and the value is a user:password pair';
  return undefined;
}

/** A known token or private key anywhere in `text`: what it is. */
function tokenIn(text: string): { what: string } | undefined {
  // Each shape starts with one of these literals: text without any of them (nearly every value) has none.
  if (!MAYBE_TOKEN.test(text)) return undefined;
  if (PEM_PRIVATE_KEY.test(text)) return { what: 'a PEM private key' };
  for (const t of TOKENS_IN_TEXT) {
    const m = t.re.exec(text);
    if (m && !EXAMPLE_TOKEN.test(m[0])) return { what: t.name };
  }
  return undefined;
}

/** `key: value`, `key = value`, `key=value`, `"key": "value"`, `export KEY=value` in a config file line. */
const EMBEDDED = /^\s*(?:-\s+)?(?:export\s+)?["']?([A-Za-z_][\w.-]*)["']?\s*(?::\s+|:$|\s*=\s*)(.*)$/;
const COMMENT = /^\s*(#|\/\/|;|--|\*|<!--)/;

interface Hit {
  why: string;
  /** The embedded key, for a line inside a multi-line value. */
  inner?: string;
  /** The offending line's text, to find it in the source (block scalars). */
  line?: string;
}

function check(key: string, value: string): Hit | undefined {
  const token = tokenIn(value);
  if (token) return { why: `the value contains ${token.what}` };
  const lines = value.split('\n');
  if (lines.length === 1 || (lines.length === 2 && lines[1] === '')) {
    if (nameClass(key) === 'none') return undefined; // (literalVerdict's first test, before unquoting)
    const why = literalVerdict(key, unquote(lines[0]));
    return why ? { why } : undefined;
  }
  for (const line of lines) {
    if (line.length > 300 || COMMENT.test(line)) continue;
    const m = EMBEDDED.exec(line);
    if (!m || !m[2] || nameClass(m[1]) === 'none') continue;
    const why = literalVerdict(m[1], unquote(m[2]));
    if (why) return { why, inner: m[1], line };
  }
  return undefined;
}

/** The range of the map key at `path` (the value's range when the key cannot be found). */
function keyRange(res: Resource, path: (string | number)[]): Range {
  const sp = res.doc.chunk.spans;
  if (sp) {
    const full = [...res.prefix, ...path];
    const found = locateSpan(sp, full);
    if (found.depth === full.length && found.key >= 0) return res.file.lines.range(res.doc.start + spanStart(sp, found.key), res.doc.start + spanEnd(sp, found.key));
  }
  return res.range(path);
}

/** The range of `line` (trimmed) inside the value's source text, when it appears there as written (block scalars). */
function lineRange(res: Resource, path: (string | number)[], line: string): Range | undefined {
  const want = line.trim();
  if (!want) return undefined;
  const [start, end] = res.span(path);
  const at = res.file.text.slice(start, end).indexOf(want);
  return at < 0 ? undefined : res.file.lines.range(start + at, start + at + want.length);
}

export default defineRule({
  id: 'secret-in-configmap',
  family: 'hardening',
  title: 'Credential in a ConfigMap',
  defaultSeverity: 'warning',
  fix: 'none',
  docs: {
    summary:
      'A ConfigMap `data` value that looks like a credential. Three checks, precision first (ConfigMaps hold Grafana dashboards, nginx configs, Prometheus rules and scripts): (1) anywhere in a value, whatever the key: a PEM private key block with its base64 body (also with `\\n` escapes, as in a GCP service-account JSON), an AWS access key id (`AKIA…`), a GitHub (`ghp_…`, `github_pat_…`), GitLab (`glpat-…`) or Slack (`xox?-…`) token, or a JSON Web Token — documentation examples such as `AKIAIOSFODNN7EXAMPLE` excepted; (2) a one-line value whose key names a secret, with the name classes of `literal-secret-in-env` (a strong word — password, passwd, secret, api_key, private_key… — reports a plain literal; a weak one — token, auth, credentials — only a random-looking value or a `user:password` pair; `…_file`, `…_path`, `…_name`, `…_url`, `…_enabled` keys are settings, not secrets); (3) in a multi-line value (a config file), a `key: value`, `key = value` or `"key": "value"` line judged as in (2). Never reported: empty values, placeholders (`changeme`, `<password>`, `xxx`, `***`, `your-token`, the key word itself), references (`${VAR}`, `{{ … }}`, `#{…}`, `%(x)s`, `$(VAR)`, `$VAR`, `ENC(…)`, `vault:…`, an all-caps variable name), file paths, host names, URLs without a password, numbers, flags, values with spaces or code punctuation, and — unless random-looking — Kubernetes object names (`grafana-admin-creds`) or the values of keys that refer to a Secret (`existingSecret`, `secretRef`, `tlsSecret`). The finding is on the data key, or for (3) on the offending line inside a block scalar; the value is never shown.',
    why:
      'ConfigMaps are not meant for confidential data: they are readable by every role that may read configuration (the `view` ClusterRole included, which cannot read Secrets), shown by `kubectl describe`, stored unencrypted even where Secrets are encrypted at rest, and committed to Git with the manifests. Move the value to a Secret (or an external secret store synced to one), mount or reference that, and rotate the exposed value.',
    insecure: 'kind: ConfigMap\ndata:\n  db_password: S3cr3t-P4ss\n  app.properties: |\n    spring.datasource.password=S3cr3t-P4ss',
    hardened: 'kind: Secret\ntype: Opaque\nstringData:\n  db_password: S3cr3t-P4ss   # better: created out of band, not in Git',
    references: ['https://kubernetes.io/docs/concepts/configuration/configmap/', 'https://kubernetes.io/docs/concepts/security/secrets-good-practices/', CIS],
  },
  kinds: new Set(['ConfigMap']),
  checkResource(res, ctx) {
    if (res.kind !== 'ConfigMap' || res.apiVersion !== 'v1') return;
    const data = res.object.data;
    if (!isObject(data)) return;
    const name = res.name || '(unnamed)';
    for (const [key, value] of Object.entries(data)) {
      if (typeof value !== 'string' || value === '') continue;
      const hit = check(key, value);
      if (!hit) continue;
      const path = ['data', key];
      const range = (hit.line !== undefined ? lineRange(res, path, hit.line) : undefined) ?? keyRange(res, path);
      ctx.report({
        resource: res,
        path,
        range,
        message: hit.inner
          ? `ConfigMap ${name}: data key ${key} sets ${hit.inner} to a literal that looks like a credential (${hit.why}): ConfigMaps are readable by more people than Secrets and stored unencrypted; move it to a Secret (and rotate it).`
          : `ConfigMap ${name}: data key ${key} looks like a credential (${hit.why}): ConfigMaps are readable by more people than Secrets and stored unencrypted; move it to a Secret (and rotate it).`,
      });
    }
  },
});
