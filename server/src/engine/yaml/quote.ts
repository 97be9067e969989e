/** Strings into generated YAML text. */

/**
 * A YAML double-quoted scalar for any string. JSON.stringify escapes C0
 * controls and lone surrogates, but leaves DEL, the C1 controls and
 * U+FFFE/U+FFFF raw, which YAML does not allow in a stream, and NEL, U+2028
 * and U+2029, which YAML 1.1 (go-yaml, kubectl) reads as line breaks.
 */
export function doubleQuoted(s: string): string {
  return JSON.stringify(s).replace(/[\x7f-\x9f\u2028\u2029\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;
// Booleans and nulls of YAML 1.1 (go-yaml, kubectl) and 1.2 (js-yaml), in any case.
const RESERVED = /^(true|false|yes|no|on|off|y|n|null|~)$/i;

/**
 * A string as a YAML scalar (value or key) for fixes and generated
 * documents: plain when every YAML 1.1 and 1.2 reader reads it back as
 * that same string (a letter, `_` or `/` first, then only `[A-Za-z0-9_./-]`,
 * and not a boolean or null word), else double-quoted.
 */
export function yamlString(s: string): string {
  return PLAIN.test(s) && !RESERVED.test(s) ? s : doubleQuoted(s);
}

/** Text for a `# comment`: on one line, and only characters YAML allows (others as JSON escapes). */
export function commentText(s: string): string {
  return s.replace(/[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
