/**
 * The VS Code conventions of issue #23 item 4 as a user sees them, in code-server + Chromium: the
 * yaml language status item (PSS level in force and where it comes from), the Kubernetes Guardrails
 * activity bar view with its Cluster tree on the API simulator (contexts → namespaces → pods with
 * their isolation verdict), the editor title buttons, the Get started walkthrough, and the welcome
 * content without a kubeconfig and in Restricted Mode.
 *
 * Screenshots: .test-artifacts/playwright/, and docs/images/editor-*.png when
 * K8SG_DOCS_SCREENSHOTS=1 (so a normal run does not modify tracked files).
 */
import { test } from 'node:test';
import * as assert from 'node:assert';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { startSimulator, Simulator } from '../../simulator/server';
import { DEMO } from '../../simulator/seed';
import { openWorkbench, runCommand, shot, skipWithoutChromium, waitFor, Workbench } from '../../helpers/playwright';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

async function openFile(page: Page, rel: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(rel);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(rel) }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: path.basename(rel) }).waitFor({ timeout: 10_000 });
}

/** The text of the Cluster view's rows. */
const treeRows = (page: Page) =>
  page.evaluate(() => Array.from(document.querySelectorAll('[id="workbench.view.extension.k8sGuardrails"] .monaco-list-row') as ArrayLike<any>).map((r): string => (r.textContent as string).replace(/\s+/g, ' ').trim()));

const launch = (settings: Record<string, unknown>, opts: { workspaceTrust?: boolean } = {}): Promise<Workbench> =>
  openWorkbench({ settings: { 'security.workspace.trust.startupPrompt': 'never', ...settings }, workspaceTrust: opts.workspaceTrust, workspacePrefix: 'k8sg-pw-views-' });

test('language status, Cluster view on the simulator, editor title buttons, walkthrough', { timeout: 240_000 }, async (t) => {
  if (skipWithoutChromium(t)) return;
  let sim: Simulator | undefined;
  let run: Workbench | undefined;
  try {
    sim = await startSimulator({ port: 0, tls: true, seed: 'demo' });
    run = await launch({ 'k8sGuardrails.cluster.kubeconfig': sim.kubeconfigPath }, { workspaceTrust: false });
    const { page } = run;

    // the language status item of a workload whose Namespace sets the level
    await openFile(page, 'hardened/deploy.yaml');
    const status = page.locator('[id="status.languageStatus"]');
    await status.waitFor({ timeout: 60_000 });
    const hoverText = await waitFor(
      'the language status to show the PSS level',
      async () => {
        await page.keyboard.press('Escape');
        await status.click();
        await page.locator('.hover-language-status').first().waitFor({ state: 'visible', timeout: 3000 });
        const text = (await page.evaluate(() => Array.from(document.querySelectorAll('.hover-language-status') as ArrayLike<any>).map((e): string => e.textContent).join(' | '))).replace(/\s+/g, ' ');
        return /PSS restricted v1\.\d+/.test(text) && /\d+\/\d+ files analysed/.test(text) ? text : undefined;
      },
      90_000,
    );
    assert.match(hoverText, /PSS restricted v1\.\d+.*from Namespace secure \(namespace\.yaml:\d+\)/);
    assert.match(hoverText, /\d+\/\d+ files analysed/);
    assert.match(hoverText, /Kubernetes schema on/);
    await new Promise((r) => setTimeout(r, 500));
    // the editor's lower right: the file and the language status hover
    await shot(page, 'editor-language-status', { x: 600, y: 560, width: 800, height: 340 });
    await page.keyboard.press('Escape');

    // editor title: Fix All (shield) and Open Cluster Panel on a yaml file
    const titleActions = await page.evaluate(() => Array.from(document.querySelectorAll('.editor-actions .action-label') as ArrayLike<any>).map((a): string => a.getAttribute('aria-label') ?? ''));
    assert.ok(titleActions.some((a) => /Fix All Auto-fixable Problems/.test(a)), `editor title actions: ${titleActions.join(', ')}`);
    assert.ok(titleActions.some((a) => /Open Cluster Panel/.test(a)), `editor title actions: ${titleActions.join(', ')}`);

    // the activity bar container and its Cluster tree: the simulator's context is expanded (current)
    await page.locator('.activitybar .action-item a[aria-label^="Kubernetes Guardrails"], .activitybar .action-item[aria-label^="Kubernetes Guardrails"]').first().click();
    await waitFor('the context and its namespaces', async () => {
      const rows = await treeRows(page);
      return rows.some((r) => r.startsWith('sim-token')) && rows.some((r) => r.startsWith('payments')) ? rows : undefined;
    }, 60_000);
    const payments = page.locator('[id="workbench.view.extension.k8sGuardrails"] .monaco-list-row', { hasText: /^payments/ }).first();
    await payments.click();
    const rows = await waitFor('the pods of payments with their isolation state', async () => {
      const r = await treeRows(page);
      return r.some((x) => x.includes(DEMO.compromisedPod)) ? r : undefined;
    }, 60_000);
    const compromised = rows.find((x) => x.includes(DEMO.compromisedPod))!;
    // a wider side bar, so that the screenshot shows every pod's state: drag the sash at its right edge
    const edge = await page.evaluate(() => (document.querySelector('.part.sidebar')?.getBoundingClientRect().right as number | undefined) ?? 0);
    const sashes = await page.locator('.monaco-sash.vertical').all();
    for (const sash of sashes) {
      const box = await sash.boundingBox();
      if (!box || Math.abs(box.x + box.width / 2 - edge) > 4 || box.height < 300) continue;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + 320, box.y + box.height / 2, { steps: 8 });
      await page.mouse.up();
      break;
    }
    // the tooltip is the verdict, as plain text
    await page.locator('[id="workbench.view.extension.k8sGuardrails"] .monaco-list-row', { hasText: DEMO.compromisedPod }).first().hover();
    const tip = await waitFor('the pod tooltip', () => page.evaluate(() => (document.querySelector('.monaco-hover, .workbench-hover')?.textContent as string | undefined) ?? undefined), 15_000).catch(() => '');
    if (tip) assert.match(tip, /NOT isolated: pod payments\//);
    await shot(page, 'editor-cluster-view');

    // view/title buttons
    const viewActions = await page.evaluate(() => Array.from(document.querySelectorAll('[id="workbench.view.extension.k8sGuardrails"] .actions .action-label, .pane-header .actions .action-label') as ArrayLike<any>).map((a): string => a.getAttribute('aria-label') ?? ''));
    for (const title of ['Refresh', 'Scan Cluster', 'Open Cluster Panel', 'Select Cluster Context']) assert.ok(viewActions.some((a) => a.includes(title)), `${title} in ${viewActions.join(', ')}`);

    // the walkthrough (side bar closed: the page gets the window's width)
    await runCommand(page, 'View: Close Primary Side Bar');
    await runCommand(page, 'Welcome: Open Walkthrough...');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Secure Kubernetes YAML' }).first().click({ timeout: 20_000 });
    const steps = await waitFor('the walkthrough steps', async () => {
      const s = await page.evaluate(() => Array.from(document.querySelectorAll('.getting-started-step .step-title') as ArrayLike<any>).map((e): string => e.textContent));
      return s.length >= 3 ? s : undefined;
    });
    assert.deepStrictEqual(steps.slice(0, 3), ['Open a manifest', 'Fix it', 'Connect a cluster']);
    await waitFor('the step media', () => page.evaluate(() => Array.from(document.querySelectorAll('iframe') as ArrayLike<any>).length > 0));
    await new Promise((r) => setTimeout(r, 1500));
    await shot(page, 'editor-walkthrough');
  } catch (err) {
    const page = run?.browser.pages()[0];
    if (page) await shot(page, 'views-failure').catch(() => undefined);
    throw err;
  } finally {
    await run?.close();
    await sim?.close();
  }
});

test('welcome content: no kubeconfig, and Restricted Mode', { timeout: 240_000 }, async (t) => {
  if (skipWithoutChromium(t)) return;
  for (const c of [
    { trust: false, settings: { 'k8sGuardrails.cluster.kubeconfig': path.join(os.tmpdir(), 'k8sg-no-such-kubeconfig') }, expect: /No kubeconfig found/, name: 'editor-welcome-no-kubeconfig' },
    { trust: true, settings: {}, expect: /Cluster features are off in Restricted Mode/, name: 'editor-welcome-restricted' },
  ]) {
    let run: Workbench | undefined;
    try {
      run = await launch(c.settings, { workspaceTrust: c.trust });
      const { page } = run;
      await page.locator('.activitybar .action-item a[aria-label^="Kubernetes Guardrails"], .activitybar .action-item[aria-label^="Kubernetes Guardrails"]').first().click({ timeout: 60_000 });
      const welcome = await waitFor('the welcome content', () => page.evaluate(() => (document.querySelector('[id="workbench.view.extension.k8sGuardrails"] .welcome-view-content')?.textContent as string | undefined) || undefined), 60_000);
      assert.match(welcome, c.expect);
      assert.deepStrictEqual(await treeRows(page), [], 'no cluster items');
      await shot(page, c.name);
      if (!c.trust) {
        // its link opens the walkthrough
        await page.locator('[id="workbench.view.extension.k8sGuardrails"] .welcome-view-content a', { hasText: 'Open the Walkthrough' }).click();
        await waitFor('the walkthrough', () => page.evaluate(() => Array.from(document.querySelectorAll('.getting-started-step .step-title') as ArrayLike<any>).some((e) => e.textContent === 'Connect a cluster')));
      }
    } catch (err) {
      const page = run?.browser.pages()[0];
      if (page) await shot(page, `${c.name}-failure`).catch(() => undefined);
      throw err;
    } finally {
      await run?.close();
    }
  }
});
