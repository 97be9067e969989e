/**
 * Cluster-supplied text (Status messages, admission webhook denials, names,
 * labels, annotations, events, logs) made inert for the editor surfaces that
 * render some markup: notifications and modal dialogs turn `[text](command:…)`
 * into a clickable link that runs the command, quick picks and the status bar
 * turn `$(name)` into icons, hovers render Markdown, the Output channel links
 * URLs, and control or bidi characters can hide or reorder what is read.
 *
 * One function for every surface (client notifications, dialogs, quick picks,
 * Output channel, reports; the server's cluster-scan diagnostics). No imports:
 * both bundles use it.
 */

/** Control characters, bidi controls (U+061C ARABIC LETTER MARK too), soft hyphen, zero-width and BOM characters (shown as `\u{…}`). */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** Invisible and direction-changing characters become visible `\u{…}` escapes (tab stays; newline stays when `keepNewlines`). */
export function visibleControls(s: string, keepNewlines = false): string {
  return s.replace(INVISIBLE, (c) => (keepNewlines && c === '\n' ? c : `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`));
}

/** Zero-width space: breaks a link or icon syntax without changing what is read. */
const ZWSP = '\u200b';

/** URI schemes an editor surface may turn into a link (command: runs a command). */
const SCHEMES = /\b(command|https?|file|javascript|vbscript|data|vscode(?:-[a-z]+)?|mailto|ftps?|sftp|ssh|git|wss?)(:)/gi;

export interface InertOptions {
  /** Longest result (default 1000 characters; longer text is cut with `…`). */
  max?: number;
  /** Keep line breaks (reports opened as documents, Output channel blocks). */
  multiline?: boolean;
}

/**
 * Text from a cluster as plain text on any editor surface:
 * - control, bidi and zero-width characters → visible `\u{…}` escapes;
 * - Markdown links `[a](b)`, URI schemes (`command:`, `https:`, `file:`, …) and
 *   codicon syntax `$(…)` broken with a zero-width space (nothing is clickable,
 *   nothing renders as an icon; the text reads the same);
 * - backticks → `ˋ` and `<` `>` → `‹` `›` (no code spans, no HTML);
 * - cut at `max`.
 */
export function inert(text: string, opts: InertOptions = {}): string {
  const max = opts.max ?? 1000;
  const s = visibleControls(String(text), opts.multiline)
    .replace(/\]\s*\(/g, (m) => `]${ZWSP}${m.slice(1)}`)
    .replace(SCHEMES, `$1${ZWSP}$2`)
    .replace(/\$\(/g, `$${ZWSP}(`)
    .replace(/`/g, '\u02cb')
    .replace(/</g, '\u2039')
    .replace(/>/g, '\u203a');
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
