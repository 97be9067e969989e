import { isObject } from '../../model';
import { defineRule } from '../types';
import { CIS, workloadContainers, containerWhere } from './util';

/** Words (whole `_`-separated tokens) that mark a secret. */
const SECRET_TOKENS = new Set(['PASSWORD', 'PASSWD', 'PASS', 'PASSPHRASE', 'SECRET', 'TOKEN', 'APIKEY', 'CREDENTIAL', 'CREDENTIALS', 'CREDS', 'AUTH', 'PRIVATEKEY']);
/** Two-token secrets (`API_KEY`, `PRIVATE_KEY`, `ACCESS_KEY`…). */
const SECRET_PAIRS = /(^|_)(API|PRIVATE|ACCESS|SECRET|SIGNING|ENCRYPTION|MASTER|CLIENT|ACCOUNT|LICENSE|SSH)_KEY(_|$)/;
/** Substrings that mark a secret inside a word (`DBPASSWORD`, `GITHUBTOKEN`). */
const SECRET_SUBSTRINGS = /PASSWORD|PASSWD|SECRET|TOKEN|APIKEY|CREDENTIAL|PRIVATEKEY|ACCESSKEY/;
/** A last token that makes the variable a reference to a secret, or a setting about it, rather than the secret itself. */
const NOT_SECRET_SUFFIX = new Set([
  'FILE', 'PATH', 'DIR', 'NAME', 'REF', 'ID', 'URL', 'URI', 'HOST', 'PORT', 'ENDPOINT', 'ENABLED', 'DISABLED', 'ENABLE', 'DISABLE', 'TYPE', 'MODE',
  'METHOD', 'PROVIDER', 'ISSUER', 'AUDIENCE', 'HEADER', 'TTL', 'EXPIRY', 'EXPIRATION', 'LIFETIME', 'TIMEOUT', 'LENGTH', 'SIZE', 'REQUIRED',
  'USER', 'USERNAME', 'LOGIN', 'KEYID', 'VERSION', 'FORMAT', 'ALGORITHM', 'SCOPE', 'SCOPES', 'REALM', 'STRATEGY', 'MOUNT', 'LOCATION',
]);
const BOOLEAN_LIKE = /^(true|false|yes|no|on|off|enabled?|disabled?|none|null|required|optional)$/i;
/** `$(VAR)` dependent-variable references (`$$(VAR)` is an escaped literal). */
const VAR_REF = /(^|[^$])\$\([A-Za-z_][A-Za-z0-9_.-]*\)/;

/** Upper-case `_`-separated tokens of an env var name: `dbPassword` / `db-password` → DB_PASSWORD. */
export function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
}

/** looksSecret by name: the same names (LOG_LEVEL, PORT…) recur in every workload. */
const secretNames = new Map<string, boolean>();

/** True when an env var with this name most likely holds a secret. */
export function looksSecret(name: string): boolean {
  let v = secretNames.get(name);
  if (v === undefined) {
    v = nameLooksSecret(name);
    if (secretNames.size >= 10000) secretNames.clear();
    secretNames.set(name, v);
  }
  return v;
}

function nameLooksSecret(name: string): boolean {
  const tokens = nameTokens(name);
  if (!tokens.length) return false;
  if (NOT_SECRET_SUFFIX.has(tokens[tokens.length - 1])) return false;
  const joined = tokens.join('_');
  return tokens.some((t) => SECRET_TOKENS.has(t)) || SECRET_PAIRS.test(joined) || tokens.some((t) => SECRET_SUBSTRINGS.test(t));
}

export default defineRule({
  id: 'literal-secret-in-env',
  family: 'hardening',
  title: 'Secret as a literal environment value',
  defaultSeverity: 'warning',
  fixable: false,
  docs: {
    summary:
      'A container sets an environment variable whose name looks like a secret (`…PASSWORD`, `…PASSWD`, `…SECRET`, `…TOKEN`, `…API_KEY`, `…PRIVATE_KEY`, `…ACCESS_KEY`, `…CREDENTIAL`, `…AUTH`…) to a non-empty literal `value` (not a `$(VAR)` reference). Names that refer to a secret rather than hold it (`…_FILE`, `…_PATH`, `…_NAME`, `…_URL`, `…_ENABLED`…) are not reported. The value is never shown in the message.',
    why:
      'A literal value is stored in plain text wherever the manifest goes: Git history, CI logs, Helm release records, the API object (readable by anyone who can `get` the workload, which is more people than can read Secrets) and `kubectl describe` output. Put the value in a Secret (or an external secret manager synced to one) and reference it with `valueFrom.secretKeyRef`, or mount it as a file; then rotate the exposed value. No quick fix: the Secret has to be created out of band (CIS Kubernetes Benchmark 5.4.1: prefer using Secrets as files over Secrets as environment variables).',
    insecure: 'env:\n- name: DB_PASSWORD\n  value: "S3cr3t-P@ssw0rd"',
    hardened: 'env:\n- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef:\n      name: db-credentials\n      key: password',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables',
      'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
      CIS,
    ],
  },
  checkResource(res, ctx) {
    for (const c of workloadContainers(res)) {
      const env = c.container.env;
      if (!Array.isArray(env)) continue;
      env.forEach((e: unknown, index: number) => {
        if (!isObject(e) || typeof e.name !== 'string' || !looksSecret(e.name)) return;
        const v = e.value;
        if (typeof v !== 'string' || v.trim() === '' || BOOLEAN_LIKE.test(v.trim()) || VAR_REF.test(v)) return;
        ctx.report({
          resource: res,
          path: [...c.full, 'env', index, 'value'],
          message: `${containerWhere(res, c)} sets environment variable ${e.name} to a literal value that looks like a secret: it is readable in the manifest, its history and the API object; reference a Secret with valueFrom.secretKeyRef instead (and rotate the value).`,
        });
      });
    }
  },
});
