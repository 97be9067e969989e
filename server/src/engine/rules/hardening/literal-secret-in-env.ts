import { isObject } from '../../model';
import { defineRule } from '../types';
import { CIS, workloadContainers, containerWhere } from './util';

/**
 * Which env values are reported, in three steps a reader can redo by hand:
 *  1. Value shapes that are never secrets: numbers, sizes and durations (`2048`, `512Mi`, `30s`), flags
 *     (`true`, `1`, `yes`), file paths (`/var/secrets/key.json`), host names, URLs without a password, `$(VAR)` references.
 *  2. Value shapes that always are (whatever the name): known token formats (`ghp_…`, `xoxb-…`, `AKIA…`,
 *     `sk-…`, `glpat-…`, `AIza…`, a JWT, a PEM private key block) and URLs with a password (`postgres://u:p@h`).
 *  3. Otherwise the name decides: a strong secret word (PASSWORD, SECRET, API_KEY, PRIVATE_KEY…) reports any
 *     literal; a weak one (TOKEN, AUTH, CREDENTIALS) only a value that looks random (high entropy) or a
 *     `user:password` pair, so `GF_AUTH_ANONYMOUS_ORG_ROLE: Admin` and `MAX_TOTAL_TOKENS: "2048"` stay quiet.
 */

/** Whole `_`-separated tokens that mark a secret whatever the value. */
const STRONG_TOKENS = new Set(['PASSWORD', 'PASSWD', 'PASS', 'PASSPHRASE', 'SECRET', 'APIKEY', 'PRIVATEKEY', 'SECRETKEY', 'ACCESSKEY']);
/** Two-token strong secrets (`API_KEY`, `PRIVATE_KEY`, `ACCESS_KEY`…). */
const STRONG_PAIRS = /(^|_)(API|PRIVATE|ACCESS|SECRET|SIGNING|ENCRYPTION|MASTER|CLIENT|ACCOUNT|LICENSE|SSH)_KEYS?(_|$)/;
/** Substrings that mark a strong secret inside a word (`DBPASSWORD`, `CLIENTSECRET`). */
const STRONG_SUBSTRINGS = /PASSWORD|PASSWD|SECRET|APIKEY|PRIVATEKEY|ACCESSKEY/;
/** Weak markers: also names of counts, modes and roles (`MAX_TOKENS`, `AUTH_ROLE`), so the value must look secret too. */
const WEAK_TOKENS = new Set(['TOKEN', 'TOKENS', 'AUTH', 'CREDENTIAL', 'CREDENTIALS', 'CREDS']);
const WEAK_SUBSTRINGS = /TOKEN|CREDENTIAL/;
/** A last token that makes the variable a reference to a secret, or a setting about it, rather than the secret itself. */
const NOT_SECRET_SUFFIX = new Set([
  'FILE', 'PATH', 'DIR', 'NAME', 'REF', 'ID', 'URL', 'URI', 'HOST', 'PORT', 'ENDPOINT', 'ENABLED', 'DISABLED', 'ENABLE', 'DISABLE', 'TYPE', 'MODE',
  'METHOD', 'PROVIDER', 'ISSUER', 'AUDIENCE', 'HEADER', 'TTL', 'EXPIRY', 'EXPIRATION', 'LIFETIME', 'TIMEOUT', 'LENGTH', 'SIZE', 'REQUIRED',
  'USER', 'USERNAME', 'LOGIN', 'KEYID', 'VERSION', 'FORMAT', 'ALGORITHM', 'SCOPE', 'SCOPES', 'REALM', 'STRATEGY', 'MOUNT', 'LOCATION',
  'ROLE', 'ROLES', 'GROUP', 'GROUPS', 'ORG', 'LEVEL', 'COUNT', 'LIMIT', 'MAX', 'MIN', 'POLICY', 'ATTRIBUTE', 'CLAIM', 'FIELD', 'IMAGE', 'TAG', 'DIGEST',
]);
/** A first token that makes the variable a setting about secrets (`ALLOW_EMPTY_PASSWORD`, `MAX_TOTAL_TOKENS`). */
const NOT_SECRET_PREFIX = new Set(['ALLOW', 'SKIP', 'USE', 'REQUIRE', 'GENERATE', 'RANDOM', 'MAX', 'MIN', 'NUM', 'ENABLE', 'DISABLE', 'NO']);
/** Tokens anywhere in the name that make it a flag about a secret, not the secret (`MYSQL_ALLOW_EMPTY_PASSWORD`). */
const FLAG_TOKENS = new Set(['ALLOW', 'EMPTY', 'RANDOM', 'SKIP', 'GENERATE']);

const BOOLEAN_LIKE = /^(true|false|yes|no|y|n|on|off|enabled?|disabled?|none|null|nil|required|optional)$/i;
/** Numbers, sizes and durations: `2048`, `0.5`, `-1`, `512Mi`, `1G`, `30s`, `1h30m`, `80%`. */
const NUMBER_LIKE = /^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?(\s?([KMGTPE]i?[Bb]?|[kmgtp][Bb]?|bytes?|ms|us|ns|[smhdw]|%))?$|^(\d+(\.\d+)?(ms|us|ns|[smhdw])){2,}$/;
/** `$(VAR)` dependent-variable references (`$$(VAR)` is an escaped literal). */
const VAR_REF = /(^|[^$])\$\([A-Za-z_][A-Za-z0-9_.-]*\)/;
/** An absolute or relative file path (no spaces); a segment that looks random disqualifies it (base64 keys contain `/`). */
const PATH_LIKE = /^(~|\.{1,2})?\/[\w.@+=,-]+(\/[\w.@+=,-]*)*$|^[A-Za-z]:\\[\w.\\ -]+$/;
/** A lower-case DNS name, optionally with a port (`redis-0.redis.svc.cluster.local:6379`). */
const HOST_LIKE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:\d+)?$/;
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\/([^\s/@]*@)?[^\s]*$/i;

/** Known token formats (prefix and alphabet), published by the issuers for secret scanning. */
const TOKEN_SHAPES: { name: string; re: RegExp }[] = [
  { name: 'a GitHub token', re: /^(gh[pousr]_[A-Za-z0-9]{10,}|github_pat_[A-Za-z0-9_]{20,})$/ },
  { name: 'a GitLab token', re: /^glpat-[A-Za-z0-9_-]{20,}$/ },
  { name: 'a Slack token', re: /^xox[abposr]-[A-Za-z0-9-]{10,}$/ },
  { name: 'an AWS access key id', re: /^(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}$/ },
  { name: 'an OpenAI/Anthropic-style API key', re: /^sk-(proj-|ant-[a-z0-9]+-)?[A-Za-z0-9_-]{20,}$/ },
  { name: 'a Stripe key', re: /^[sr]k_(live|test)_[A-Za-z0-9]{10,}$/ },
  { name: 'a Google API key', re: /^AIza[A-Za-z0-9_-]{35}$/ },
  { name: 'a SendGrid key', re: /^SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}$/ },
  { name: 'a JSON Web Token', re: /^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$/ },
  { name: 'a private key', re: /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/ },
];

/**
 * What every value that classifyValue finds to be a token contains (the trimmed value's start of each
 * TOKEN_SHAPES pattern, a private key's header, a URL's `://`): keep in step with them.
 */
const MAYBE_TOKEN = /^\s*(gh|github_pat_|glpat-|xox|AKIA|ASIA|ABIA|ACCA|sk-|[sr]k_|AIza|SG\.|eyJ)|-----BEGIN|:\/\//;

/**
 * A template's blank, not a value: `<Client Secret>`, `__OAUTH_SECRET__`, `[your key]`. Such a manifest
 * cannot be applied as it is; a real weak value (`changeme`, `hunter2`) still counts as a secret.
 */
const TEMPLATE_BLANK = /^(<[^<>]+>|__[A-Za-z0-9_]+__|\[[^\[\]]+\])$/;

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Minimum length and entropy (bits/char) for a value to count as random: 16 hex characters of a random key score ≈3.5–4, words and host names less. */
export const RANDOM_MIN_LENGTH = 16;
export const RANDOM_MIN_ENTROPY = 3.5;

/** A value that looks machine-generated: long, no spaces, high entropy, letters mixed with digits (or a long run without vowels). */
export function looksRandom(v: string): boolean {
  if (v.length < RANDOM_MIN_LENGTH || /\s/.test(v)) return false;
  if (!/\d/.test(v) || !/[A-Za-z]/.test(v)) return /^[A-Za-z0-9+/=_-]{24,}$/.test(v) && shannonEntropy(v) >= RANDOM_MIN_ENTROPY + 0.5;
  return shannonEntropy(v) >= RANDOM_MIN_ENTROPY;
}

export type ValueClass =
  | { kind: 'benign'; why: string }
  | { kind: 'token'; shape: string }
  | { kind: 'random' }
  | { kind: 'pair' }
  | { kind: 'literal' };

/** What a literal env value looks like (see the steps above). */
export function classifyValue(raw: string): ValueClass {
  const v = raw.trim();
  if (v === '') return { kind: 'benign', why: 'empty' };
  if (VAR_REF.test(v)) return { kind: 'benign', why: 'a $(VAR) reference' };
  for (const t of TOKEN_SHAPES) if (t.re.test(v)) return { kind: 'token', shape: t.name };
  if (TEMPLATE_BLANK.test(v)) return { kind: 'benign', why: 'a template blank' };
  if (BOOLEAN_LIKE.test(v)) return { kind: 'benign', why: 'a flag' };
  if (NUMBER_LIKE.test(v)) return { kind: 'benign', why: 'a number' };
  if (URL_LIKE.test(v)) {
    const m = /^[a-z][a-z0-9+.-]*:\/\/([^\s/@]*)@/i.exec(v);
    return m && m[1].includes(':') && !/:$/.test(m[1]) ? { kind: 'token', shape: 'a URL with a password' } : { kind: 'benign', why: 'a URL' };
  }
  if (PATH_LIKE.test(v) && !v.split(/[/\\]/).some(looksRandom)) return { kind: 'benign', why: 'a file path' };
  if (HOST_LIKE.test(v) && !v.split(/[.:]/).some(looksRandom)) return { kind: 'benign', why: 'a host name' };
  if (looksRandom(v)) return { kind: 'random' };
  if (/^[^\s:/]+:(?!\d+$)[^\s]+$/.test(v)) return { kind: 'pair' };
  return { kind: 'literal' };
}

/** Upper-case `_`-separated tokens of an env var name: `dbPassword` / `db-password` → DB_PASSWORD. */
export function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
}

export type NameClass = 'strong' | 'weak' | 'none';

/** nameClass by name: the same names (LOG_LEVEL, PORT…) recur in every workload. */
const secretNames = new Map<string, NameClass>();

/** How strongly an env var name says it holds a secret. */
export function nameClass(name: string): NameClass {
  let v = secretNames.get(name);
  if (v === undefined) {
    v = computeNameClass(name);
    if (secretNames.size >= 10000) secretNames.clear();
    secretNames.set(name, v);
  }
  return v;
}

function computeNameClass(name: string): NameClass {
  const tokens = nameTokens(name);
  if (!tokens.length) return 'none';
  if (NOT_SECRET_SUFFIX.has(tokens[tokens.length - 1]) || NOT_SECRET_PREFIX.has(tokens[0]) || tokens.some((t) => FLAG_TOKENS.has(t))) return 'none';
  const joined = tokens.join('_');
  if (tokens.some((t) => STRONG_TOKENS.has(t) || STRONG_SUBSTRINGS.test(t)) || STRONG_PAIRS.test(joined)) return 'strong';
  if (tokens.some((t) => WEAK_TOKENS.has(t) || WEAK_SUBSTRINGS.test(t))) return 'weak';
  return 'none';
}

/** Why a literal env value is reported (undefined: it is not). */
export function secretVerdict(name: string, value: string): string | undefined {
  const n = nameClass(name);
  // A name that marks no secret reports only a token shape: a value that cannot be one is not classified.
  if (n === 'none' && !MAYBE_TOKEN.test(value)) return undefined;
  const v = classifyValue(value);
  if (v.kind === 'benign') return undefined;
  if (v.kind === 'token') return `its value has the shape of ${v.shape}`;
  if (n === 'strong') return v.kind === 'random' ? 'its name and its random-looking value mark a secret' : 'its name marks a secret';
  if (n === 'weak' && v.kind === 'random') return 'its name and its random-looking value mark a secret';
  if (n === 'weak' && v.kind === 'pair') return 'its name and its user:password value mark a credential';
  return undefined;
}

/** The remedy of this rule and of `secret-in-env-var` (CIS 5.4.1): the Secret mounted as a file that the application reads. */
export const SECRET_AS_FILE = {
  hardened:
    'env:\n- name: DB_PASSWORD_FILE\n  value: /etc/db-credentials/password\nvolumeMounts:\n- name: db-credentials\n  mountPath: /etc/db-credentials\n  readOnly: true\n# in the pod spec:\nvolumes:\n- name: db-credentials\n  secret:\n    secretName: db-credentials',
  references: [
    'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod',
    'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
    CIS,
  ],
};

export default defineRule({
  id: 'literal-secret-in-env',
  family: 'hardening',
  title: 'Secret as a literal environment value',
  defaultSeverity: 'warning',
  fix: 'none',
  docs: {
    summary:
      'A container sets an environment variable to a literal `value` that looks like a secret. Three steps decide, in order: (1) values that are never secrets stay quiet whatever the name: numbers, sizes and durations (`2048`, `512Mi`, `30s`), flags (`true`, `1`, `yes`), file paths (`/var/secrets/google/key.json`), host names, URLs without a password, `$(VAR)` references and template blanks (`<Client Secret>`, `__DB_PASSWORD__`, `[your key]`: such a manifest cannot be applied as it is; a weak real value such as `changeme` is still reported); (2) known token shapes are reported whatever the name: GitHub (`ghp_…`, `github_pat_…`), GitLab (`glpat-…`), Slack (`xox[abposr]-…`), AWS access key ids (`AKIA` + 16), `sk-…` API keys, Stripe (`sk_live_…`), Google (`AIza…`), SendGrid, JSON Web Tokens, PEM private key blocks and URLs with a password (`postgres://user:pass@host`); (3) otherwise the name decides: a strong secret word (`…PASSWORD`, `…PASSWD`, `…SECRET`, `…API_KEY`, `…PRIVATE_KEY`, `…ACCESS_KEY`…) reports any literal, a weak one (`…TOKEN`, `…AUTH`, `…CREDENTIALS`) only a random-looking value (at least 16 characters without spaces, letters and digits, Shannon entropy ≥ 3.5 bits per character) or a `user:password` pair. Names that refer to a secret or are a setting about it (`…_FILE`, `…_PATH`, `…_NAME`, `…_URL`, `…_ENABLED`, `…_ROLE`, `MAX_…`, `…_ALLOW_EMPTY_PASSWORD`…) are not reported. The message says which step matched; the value is never shown.',
    why:
      'A literal value is stored in plain text wherever the manifest goes: Git history, CI logs, Helm release records, the API object (readable by anyone who can `get` the workload, which is more people than can read Secrets) and `kubectl describe` output. Put the value in a Secret (or an external secret manager synced to one), mount that Secret as a volume and have the application read the file (many accept a `…_FILE` variable for that): a file does not leak into child processes, crash reports and debug output the way an environment variable does, and it follows rotation (CIS Kubernetes Benchmark 5.4.1: prefer using Secrets as files over Secrets as environment variables; `secret-in-env-var` reports Secrets used as variables). When the application only reads variables, `valueFrom.secretKeyRef` is still far better than a literal. Then rotate the exposed value. No quick fix: the Secret has to be created out of band.',
    insecure: 'env:\n- name: DB_PASSWORD\n  value: "S3cr3t-P@ssw0rd"',
    hardened: `${SECRET_AS_FILE.hardened}\n# (if the application only reads variables: valueFrom.secretKeyRef, still far better than a literal)`,
    references: SECRET_AS_FILE.references,
  },
  podSpecsOnly: true,
  checkResource(res, ctx) {
    for (const c of workloadContainers(res)) {
      const env = c.container.env;
      if (!Array.isArray(env)) continue;
      env.forEach((e: unknown, index: number) => {
        if (!isObject(e) || typeof e.name !== 'string' || typeof e.value !== 'string') return;
        const why = secretVerdict(e.name, e.value);
        if (!why) return;
        ctx.report({
          resource: res,
          path: [...c.full, 'env', index, 'value'],
          message: `${containerWhere(res, c)} sets environment variable ${e.name} to a literal value that looks like a secret (${why}): it is readable in the manifest, its history and the API object; put it in a Secret mounted as a file (or at least referenced with valueFrom.secretKeyRef) and rotate the value.`,
        });
      });
    }
  },
});
