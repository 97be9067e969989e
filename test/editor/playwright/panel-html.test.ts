/**
 * The cluster panel without VS Code: its HTML (CSP, nonce, script) loaded in
 * plain Chromium with a stub acquireVsCodeApi, fed a state full of hostile
 * strings; plus the message validation and the live-object analysis request.
 * Fast (a few seconds); the full flow is in panel.test.ts.
 */
import { test } from 'node:test';
import * as assert from 'node:assert';
import { panelHtml } from '../../../client/src/panel/panel-html';
import { displayText, parseWebviewMessage, PanelState } from '../../../client/src/panel/messages';
import { analyzeObjects } from '../../../server/src/lsp/cluster-scan';
import { DEFAULT_SETTINGS } from '../../../server/src/engine';
import { toDiagnostic } from '../../../server/src/lsp/server';
import { HOSTILE } from '../../simulator/seed';
import { CHROMIUM, skipWithoutChromium } from '../../helpers/playwright';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;


test('parseWebviewMessage accepts only the typed messages', () => {
  assert.deepStrictEqual(parseWebviewMessage({ type: 'scan' }), { type: 'scan' });
  assert.deepStrictEqual(parseWebviewMessage({ type: 'generatePolicy', namespace: 'payments', pod: 'checkout-1' }), { type: 'generatePolicy', namespace: 'payments', pod: 'checkout-1' });
  assert.deepStrictEqual(parseWebviewMessage({ type: 'isolate', namespace: 'payments', pod: 'checkout-5f7b9c8d4b-x7k2p' }), { type: 'isolate', namespace: 'payments', pod: 'checkout-5f7b9c8d4b-x7k2p' });
  for (const bad of [
    null,
    'scan',
    [],
    { type: 'exec', command: 'rm -rf /' },
    { type: 'scan', extra: 1 },
    { type: 'isolate', namespace: 'payments' },
    { type: 'isolate', namespace: 'payments', pod: '../../etc' },
    { type: 'release', namespace: 'Payments', pod: 'x' },
    { type: 'trace', namespace: 'a'.repeat(64), pod: 'x' },
    { type: 'trace', namespace: 'ns', pod: HOSTILE.imgXss },
    JSON.parse('{"type":"openObject","namespace":"ns","pod":"p","__proto__":{"x":1}}'),
  ]) {
    assert.strictEqual(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
  }
});

test('displayText makes bidi overrides and terminal escapes visible', () => {
  assert.strictEqual(displayText(HOSTILE.bidi), 'invoice-\\u{202E}fdp.exe');
  assert.ok(!/[\u0000-\u001f\u202e]/.test(displayText(HOSTILE.ansi)));
  assert.strictEqual(displayText(HOSTILE.imgXss), HOSTILE.imgXss, 'HTML is not escaped here: the webview uses textContent');
  assert.strictEqual(displayText('x'.repeat(500), 10), `${'x'.repeat(10)}…`);
});

test('analyzeObjects: live objects form their own workspace (namespace PSA applies, non-live uris ignored)', () => {
  const ns = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n`;
  const pod = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      privileged: true\n`;
  const r = analyzeObjects(
    {
      objects: [
        { uri: 'k8s-guardrails-live:/ctx/_cluster/Namespace/shop.yaml', yaml: ns },
        { uri: 'k8s-guardrails-live:/ctx/shop/Pod/web.yaml', yaml: pod },
        { uri: 'file:///etc/passwd.yaml', yaml: pod },
      ],
    },
    DEFAULT_SETTINGS,
    toDiagnostic,
  );
  assert.deepStrictEqual(r.results.map((x) => x.uri), ['k8s-guardrails-live:/ctx/_cluster/Namespace/shop.yaml', 'k8s-guardrails-live:/ctx/shop/Pod/web.yaml']);
  const codes = r.results[1].diagnostics.map((d) => d.code);
  assert.ok(codes.includes('privileged-container'), codes.join(','));
  assert.ok(codes.includes('run-as-non-root'), `restricted (from the live Namespace) applies: ${codes.join(',')}`);
  assert.strictEqual(r.cancelled, false);
  assert.strictEqual(analyzeObjects({ objects: [{ uri: 'k8s-guardrails-live:/a.yaml', yaml: pod }] }, DEFAULT_SETTINGS, toDiagnostic, () => true).cancelled, true);
});

function hostileState(): PanelState {
  const pod = (name: string, isolated: boolean, image: string) => ({ namespace: 'payments', name, phase: HOSTILE.scriptClose, ip: '10.0.0.1', node: HOSTILE.jsUrl, images: [image, displayText(HOSTILE.bidi)], findings: 3, owner: `Deployment ${HOSTILE.imgXss}`, isolated });
  return {
    trusted: true,
    context: HOSTILE.imgXss,
    server: HOSTILE.jsUrl,
    contexts: [],
    namespaces: [{ name: 'payments', psa: { enforce: HOSTILE.scriptClose }, findings: 2 }],
    pods: [
      pod('checkout-1', false, HOSTILE.imgXss),
      { ...pod('checkout-2', true, HOSTILE.markdown), isolation: { isolated: true, summary: 'isolated: no rule allows any peer' } },
      // Quarantined (label) but the live policies still allow traffic: never shown as isolated.
      { ...pod('checkout-3', true, HOSTILE.markdown), isolation: { isolated: false, summary: `NOT isolated: NetworkPolicy payments/${HOSTILE.imgXss} allows egress` } },
      { ...pod('checkout-4', true, HOSTILE.markdown) },
    ],
    scan: { at: 'now', objects: 2, findings: 1, errors: [HOSTILE.imgXss] },
    topFindings: [{ severity: 'error', rule: 'privileged-container', message: HOSTILE.scriptClose, object: HOSTILE.templateInjection }],
    trace: { namespace: 'payments', pod: 'checkout-1', at: 'now', summary: HOSTILE.imgXss, notes: [HOSTILE.markdown], connections: [{ direction: 'outbound', protocol: 'TCP', local: '10.0.0.1:1', remote: '203.0.113.50:4444', state: 'ESTABLISHED', peer: HOSTILE.imgXss, suspicious: true }] },
    operations: { trace: true, isolate: true, release: true, generatePolicy: true },
    notices: [HOSTILE.scriptClose],
  };
}

test('the panel renders hostile cluster strings as text, under a CSP that blocks injected markup', { timeout: 60_000 }, async (t) => {
  if (skipWithoutChromium(t, '')) return;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  try {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const html = panelHtml({ cspSource: 'https://panel.test', nonce: 'TestNonce123' });
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-TestNonce123'; style-src https:\/\/panel.test 'nonce-TestNonce123'; font-src https:\/\/panel.test">/);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval| on[a-z]+=/i);
    await page.route('https://panel.test/', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
    await page.addInitScript(() => {
      window.__posted = [];
      window.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => window.__posted.push(m), getState: () => undefined, setState: () => undefined });
    });
    await page.goto('https://panel.test/');
    assert.deepStrictEqual(await page.evaluate(() => window.__posted), [{ type: 'ready' }]);

    await page.evaluate((state) => window.postMessage({ type: 'state', state }, '*'), hostileState());
    await page.locator('#context-name').waitFor();
    const seen = await page.evaluate(() => ({
      context: document.getElementById('context-name').textContent,
      images: Array.from(document.querySelectorAll('.image') as ArrayLike<any>).map((e) => e.textContent),
      peer: document.querySelector('#trace tr.suspicious td:last-child').textContent,
      elements: document.querySelectorAll('img, iframe, a, object, embed').length,
      scripts: document.scripts.length,
      bodyText: document.body.textContent,
    }));
    // "isolated" is what the live policies say, not the quarantine label.
    const iso = await page.evaluate(() => Array.from(document.querySelectorAll('tr[data-pod] .iso-text') as ArrayLike<any>).map((e) => e.textContent.trim()));
    assert.deepStrictEqual(iso, ['—', 'isolated', 'NOT isolated', 'NOT isolated']);
    assert.strictEqual(await page.evaluate(() => document.querySelector('tr[data-pod="payments/checkout-3"] td.isolation')!.getAttribute('title')), `NOT isolated: NetworkPolicy payments/${HOSTILE.imgXss} allows egress`);
    assert.strictEqual(seen.context, HOSTILE.imgXss);
    assert.ok(seen.images.includes(HOSTILE.imgXss) && seen.images.includes(HOSTILE.markdown) && seen.images.includes('invoice-\\u{202E}fdp.exe'), JSON.stringify(seen.images));
    assert.strictEqual(seen.peer, HOSTILE.imgXss);
    assert.strictEqual(seen.elements, 0);
    assert.strictEqual(seen.scripts, 1);
    assert.ok(seen.bodyText.includes(HOSTILE.scriptClose));

    // Even markup that got into the DOM could not run: the CSP blocks inline handlers and scripts.
    await page.evaluate(() => {
      document.body.insertAdjacentHTML('beforeend', '<img src="x" onerror="window.__xss = 1"><script>window.__xss = 2</script>');
      const s = document.createElement('script');
      s.textContent = 'window.__xss = 3';
      document.body.append(s);
    });
    await page.waitForTimeout(300);
    assert.strictEqual(await page.evaluate(() => window.__xss), undefined);

    // keyboard: Tab reaches the toolbar first; Enter on a row's Isolate button posts a typed message
    await page.keyboard.press('Tab');
    assert.strictEqual(await page.evaluate(() => document.activeElement.getAttribute('data-focus-key')), 'scan');
    await page.locator('button[data-focus-key="isolate:payments/checkout-1"]').focus();
    await page.keyboard.press('Enter');
    assert.deepStrictEqual((await page.evaluate(() => window.__posted)).at(-1), { type: 'isolate', namespace: 'payments', pod: 'checkout-1' });
    assert.strictEqual(await page.locator('button[data-focus-key="release:payments/checkout-2"]').getAttribute('aria-label'), 'Release pod payments/checkout-2 from isolation');
    // a re-render keeps the focus where it was
    await page.locator('button[data-focus-key="trace:payments/checkout-2"]').focus();
    await page.evaluate((state) => window.postMessage({ type: 'state', state }, '*'), hostileState());
    await page.waitForTimeout(100);
    assert.strictEqual(await page.evaluate(() => document.activeElement.getAttribute('data-focus-key')), 'trace:payments/checkout-2');

    // a narrow panel: the action column is not cut off (every row and trace button inside the viewport)
    await page.setViewportSize({ width: 720, height: 800 });
    const stale = { ...hostileState(), trace: { ...hostileState().trace!, stale: 'The pod was isolated after this trace was taken: trace again to see its connections now.' } };
    await page.evaluate((state) => window.postMessage({ type: 'state', state }, '*'), stale);
    await page.waitForTimeout(100);
    const outside = await page.evaluate(() => Array.from(document.querySelectorAll('button') as ArrayLike<any>).filter((b) => b.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((b) => b.getAttribute('data-focus-key')));
    assert.deepStrictEqual(outside, [], 'buttons cut off at 720 px');
    assert.match(await page.locator('#trace-title').textContent() ?? '', /\(stale\)$/);
    assert.match(await page.locator('#trace .stale').textContent() ?? '', /isolated after this trace/);
    await page.locator('button[data-focus-key="policy:payments/checkout-1"]').click();
    assert.deepStrictEqual((await page.evaluate(() => window.__posted)).at(-1), { type: 'generatePolicy', namespace: 'payments', pod: 'checkout-1' });
    assert.deepStrictEqual(dialogs, []);
  } finally {
    await browser.close();
  }
});
