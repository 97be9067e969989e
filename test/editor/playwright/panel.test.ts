/**
 * The cluster panel as a user sees it: simulator (demo seed) + code-server +
 * Chromium driven by playwright-core. Commands go through the command palette
 * (F1), the panel is read inside its webview iframe, trace and isolate run on
 * the compromised demo pod, and nothing from the cluster's hostile strings
 * may execute.
 *
 * node:test (scripts/test.mjs runs out/test/editor/playwright). Screenshots:
 * .test-artifacts/playwright/, and docs/images/cluster-*.png when
 * K8SG_DOCS_SCREENSHOTS=1 (so a normal test run does not modify tracked files).
 */
import { test } from 'node:test';
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { startSimulator, Simulator } from '../../simulator/server';
import { DEMO, HOSTILE } from '../../simulator/seed';
import { openWorkbench, runCommand, shot, skipWithoutChromium, waitFor, Workbench } from '../../helpers/playwright';

// Functions passed to evaluate() run in the page; the project compiles without the DOM lib.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;

const COMPROMISED = `payments/${DEMO.compromisedPod}`;

/** The panel's document: the inner iframe of the webview whose #root holds our <main>. */
async function panelFrame(page: Page): Promise<Frame> {
  return waitFor('the cluster panel webview', async () => {
    for (const f of page.frames()) {
      const ok = await f.evaluate(() => !!document.querySelector('#root main header')).catch(() => false);
      if (ok) return f;
    }
    return undefined;
  });
}

/** Clicks the primary button of VS Code's modal confirmation dialog (if one appears). */
async function confirmModal(page: Page, label: RegExp): Promise<boolean> {
  const dialog = page.locator('.monaco-dialog-box');
  try {
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
  } catch {
    return false;
  }
  await dialog.locator('.monaco-button', { hasText: label }).first().click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  return true;
}

test('cluster panel in code-server: pods, trace, isolate, hostile strings inert', { timeout: 300_000 }, async (t) => {
  if (skipWithoutChromium(t)) return;
  const evidenceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-pw-evidence-'));
  let sim: Simulator | undefined;
  let run: Workbench | undefined;
  const dialogs: string[] = [];
  try {
    sim = await startSimulator({ port: 0, tls: true, seed: 'demo' });
    run = await openWorkbench({
      settings: {
        'k8sGuardrails.cluster.kubeconfig': sim.kubeconfigPath,
        'k8sGuardrails.cluster.evidenceDir': evidenceDir,
        'security.workspace.trust.enabled': false,
        'window.dialogStyle': 'custom',
      },
      // any alert/confirm/prompt from any frame (a hostile string that executed) is recorded and dismissed
      onPage: (page) =>
        page.on('dialog', (d) => {
          dialogs.push(`${d.type()}: ${d.message()}`);
          void d.dismiss();
        }),
    });
    const { page } = run;

    // a kubeconfig exists (the machine-scoped setting written to code-server's remote machine settings): the cluster item shows,
    // without the kubeconfig being read yet (the cluster features load on the first cluster command)
    await page.locator('.statusbar-item', { hasText: /^\s*Kubernetes\s*$/ }).first().waitFor({ timeout: 60_000 });

    await runCommand(page, 'Kubernetes Guardrails: Open Cluster Panel');
    // loaded now: the status bar shows the simulator's context
    await page.locator('.statusbar-item', { hasText: 'sim-token' }).first().waitFor({ timeout: 60_000 });
    let frame = await panelFrame(page);
    await waitFor('pods in the panel', () => frame.evaluate((id) => !!document.querySelector(`tr[data-pod="${id}"]`), COMPROMISED));

    // CSP: a nonce, no 'unsafe-inline', no inline handlers, only our one script
    const page0 = await frame.evaluate(() => ({
      csp: (document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') as string | undefined) ?? '',
      scripts: Array.from(document.scripts as ArrayLike<any>).map((s) => ({ nonce: s.nonce, src: s.src })),
      inlineHandlers: (Array.from(document.querySelectorAll('*') as ArrayLike<any>).filter((e) => Array.from(e.attributes as ArrayLike<any>).some((a) => a.name.startsWith('on'))).length) as number,
      imgs: document.querySelectorAll('#root img, #root iframe, #root a').length as number,
      context: document.getElementById('context-name')?.textContent as string | undefined,
      pods: document.querySelectorAll('tr[data-pod]').length as number,
      namespaces: Array.from(document.querySelectorAll('tr[data-namespace]') as ArrayLike<any>).map((r): string => r.getAttribute('data-namespace')),
      images: Array.from(document.querySelectorAll('tr[data-pod="default/hostile-strings"] .image') as ArrayLike<any>).map((e): string => e.textContent),
    }));
    assert.match(page0.csp, /default-src 'none'; script-src 'nonce-[A-Za-z0-9]+'/);
    assert.doesNotMatch(page0.csp, /unsafe-inline|unsafe-eval/);
    // ours: exactly one script, carrying the CSP's nonce (VS Code adds its own host script to every webview)
    const nonced = page0.scripts.filter((x) => x.nonce);
    assert.strictEqual(nonced.length, 1, JSON.stringify(page0.scripts));
    assert.ok(page0.csp.includes(`'nonce-${nonced[0].nonce}'`));
    assert.strictEqual(page0.inlineHandlers, 0);
    assert.strictEqual(page0.imgs, 0, 'no element was created from cluster strings');
    assert.strictEqual(page0.context, 'sim-token');
    assert.ok(page0.pods >= 15, `pods listed: ${page0.pods}`);
    assert.ok(page0.namespaces.includes('payments') && page0.namespaces.includes('shop'));
    // the hostile image string is shown literally, as text
    assert.ok(page0.images.some((i) => i?.includes(HOSTILE.imgXss)), `hostile image shown as text: ${JSON.stringify(page0.images)}`);

    // Scan from the panel: findings counts appear
    await frame.locator('button[data-focus-key="scan"]').click();
    await waitFor('findings counts after the scan', () => frame.evaluate(() => !!document.querySelector('#findings')), 60_000);
    await runCommand(page, 'Notifications: Clear All Notifications');
    frame = await panelFrame(page);
    await shot(page, 'cluster-panel');

    // Trace the compromised pod: the public C2 connection is listed
    await frame.locator(`button[data-focus-key="trace:${COMPROMISED}"]`).click();
    const traceText = await waitFor('the trace section', () => frame.evaluate(() => (document.querySelector('#trace')?.textContent as string | undefined) ?? undefined), 60_000);
    assert.ok(traceText.includes(`${DEMO.attackerIp}:${DEMO.attackerPort}`), `trace shows ${DEMO.attackerIp}:${DEMO.attackerPort}: ${traceText.slice(0, 500)}`);
    const suspicious = await frame.evaluate(() => Array.from(document.querySelectorAll('#trace tr.suspicious .remote') as ArrayLike<any>).map((e): string => e.textContent));
    assert.ok(suspicious.includes(`${DEMO.attackerIp}:${DEMO.attackerPort}`), `public connection highlighted: ${suspicious.join(', ')}`);
    await frame.locator('#trace').scrollIntoViewIfNeeded();
    await shot(page, 'cluster-trace');

    // Isolate it (confirm dialog): the panel shows it isolated
    await frame.locator(`button[data-focus-key="isolate:${COMPROMISED}"]`).click();
    assert.ok(await confirmModal(page, /^Isolate$/), 'isolation asks for confirmation');
    // the reason prompt (recorded in the audit annotation and the evidence)
    const reason = page.locator('.quick-input-widget input');
    await reason.waitFor({ state: 'visible', timeout: 20_000 });
    await reason.fill('playwright: C2 connection to 203.0.113.50');
    await page.keyboard.press('Enter');
    frame = await panelFrame(page);
    await waitFor('the pod to show as isolated', () => frame.evaluate((id) => document.querySelector(`tr[data-pod="${id}"]`)?.classList.contains('isolated'), COMPROMISED), 60_000);
    const pod = sim.get('v1', 'Pod', 'payments', DEMO.compromisedPod) as { metadata: { labels?: Record<string, string> } } | undefined;
    assert.ok(pod?.metadata.labels?.['k8s-guardrails.io/quarantine'], 'the cluster has the quarantine label');
    assert.ok(fs.readdirSync(evidenceDir).length > 0, 'an evidence bundle was saved before the change');
    await frame.locator(`tr[data-pod="${COMPROMISED}"]`).scrollIntoViewIfNeeded();
    await shot(page, 'cluster-isolated');

    // keyboard: the isolated row's actions are reachable and labelled
    const release = frame.locator(`button[data-focus-key="release:${COMPROMISED}"]`);
    assert.match((await release.getAttribute('aria-label')) ?? '', /Release pod payments\//);

    // the trace of the isolated pod is marked stale; the panel offers the egress policy from it
    const staleTitle = await waitFor('the trace to be marked stale', () => frame.evaluate(() => { const t = document.querySelector('#trace-title')?.textContent as string | undefined; return t?.includes('(stale)') ? t : undefined; }), 30_000);
    assert.match(staleTitle, new RegExp(`Egress trace: ${COMPROMISED}`));
    assert.match((await frame.locator('#trace .stale').textContent()) ?? '', /isolated after this trace/);
    await frame.locator(`button[data-focus-key="policy:${COMPROMISED}"]`).click();
    await waitFor('the generated egress policy in an editor', () => page.evaluate(() => Array.from(document.querySelectorAll('.monaco-editor .view-lines') as ArrayLike<any>).some((e) => /kind:\s*NetworkPolicy/.test(e.textContent.replace(/\u00a0/g, ' ')))), 30_000);

    // the policy opened in the panel's editor group: bring the panel back (a hidden webview is not in the DOM)
    await runCommand(page, 'Kubernetes Guardrails: Open Cluster Panel');
    frame = await panelFrame(page);

    // a trace started from the command palette shows in the panel
    const clean = `payments/${DEMO.cleanCheckoutPod}`;
    await runCommand(page, 'Trace Pod Egress');
    const pick = page.locator('.quick-input-widget input');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: clean }).first().waitFor({ timeout: 20_000 });
    await pick.fill(clean);
    await page.keyboard.press('Enter');
    frame = await panelFrame(page);
    await waitFor('the palette trace in the panel', () => frame.evaluate((id) => (document.querySelector('#trace-title')?.textContent as string | undefined)?.includes(id), clean), 60_000);

    // the panel survives a window reload (webview serializer): pods listed again, no command needed
    await runCommand(page, 'Notifications: Clear All Notifications');
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // Any frame, asked afresh each time: the restored webview's iframe may be replaced while it loads (a
    // frame held from before is then detached), and a loaded machine restores it slowly.
    frame = await waitFor(
      'pods in the restored panel',
      async () => {
        for (const f of page.frames()) if (await f.evaluate((id) => !!document.querySelector(`tr[data-pod="${id}"]`), COMPROMISED).catch(() => false)) return f;
        return undefined;
      },
      120_000,
    );
    assert.ok(await frame.evaluate((id) => document.querySelector(`tr[data-pod="${id}"]`)?.classList.contains('isolated'), COMPROMISED), 'the restored panel shows the isolation');
    // the action column is not cut off: every row button lies inside the panel
    const cut = await frame.evaluate(() => Array.from(document.querySelectorAll('tr[data-pod] button') as ArrayLike<any>).filter((b) => b.getBoundingClientRect().right > document.documentElement.clientWidth + 1).length);
    assert.strictEqual(cut, 0, 'row buttons outside the panel');
    await shot(page, 'cluster-panel-after-reload');

    // nothing from the cluster executed anywhere
    const flags = await Promise.all(page.frames().map((f) => f.evaluate(() => window.__xss ?? null).catch(() => null)));
    assert.deepStrictEqual(flags.filter((x) => x !== null), []);
    assert.deepStrictEqual(dialogs, [], `no script dialog opened: ${dialogs.join(' | ')}`);
  } catch (err) {
    const page = run?.browser.pages()[0];
    if (page) await shot(page, 'cluster-failure').catch(() => undefined);
    throw err;
  } finally {
    await run?.close();
    await sim?.close();
    fs.rmSync(evidenceDir, { recursive: true, force: true });
  }
});
