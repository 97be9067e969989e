/**
 * The cluster panel's script. It runs INSIDE the webview: `webviewMain` is
 * serialized with Function.prototype.toString() into a `<script nonce>`
 * (panel.ts), so it must be self-contained (no imports at run time, no outer
 * variables; `import type` is erased).
 *
 * Rules: the DOM is built with createElement/textContent only (never
 * innerHTML — pod names, images, messages come from the cluster), events are
 * bound with addEventListener (the CSP forbids inline handlers), every action
 * is a real <button> with an aria-label.
 */
import type { ExtensionMessage, PanelPod, PanelState, WebviewMessage } from './messages';

// The project compiles without the DOM lib (adding it globally would change Node typings for everyone):
// the few DOM members used here, declared module-locally.
interface Elem {
  textContent: string | null;
  className: string;
  value: string;
  disabled: boolean;
  setAttribute(name: string, value: string): void;
  getAttribute(name: string): string | null;
  append(...nodes: (Elem | string)[]): void;
  replaceChildren(...nodes: Elem[]): void;
  addEventListener(type: string, listener: () => void): void;
  querySelectorAll(selector: string): ArrayLike<Elem>;
  querySelector(selector: string): Elem | null;
  focus(): void;
  scrollIntoView(options?: { block?: string }): void;
}
declare const document: { createElement(tag: string): Elem; createTextNode(text: string): Elem; getElementById(id: string): Elem | null; activeElement: Elem | null };
declare const window: { addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void };
declare function acquireVsCodeApi(): { postMessage(msg: unknown): void; getState(): unknown; setState(s: unknown): void };

export function webviewMain(): void {
  const vscode = acquireVsCodeApi();
  const post = (m: WebviewMessage) => vscode.postMessage(m);
  const root = document.getElementById('root') as Elem;
  let state: PanelState | undefined;
  let filter = '';

  type Child = Elem | string | undefined | false;
  function el(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): Elem {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'text') e.textContent = v;
      else if (k === 'class') e.className = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) {
      if (c === undefined || c === false) continue;
      e.append(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return e;
  }
  function icon(name: string): Elem {
    return el('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
  }
  function button(label: string, iconName: string, aria: string, key: string, onClick: () => void, opts: { disabled?: boolean; secondary?: boolean } = {}): Elem {
    const b = el('button', { type: 'button', 'aria-label': aria, title: aria, 'data-focus-key': key, class: opts.secondary ? 'secondary' : '' }, icon(iconName), el('span', { text: label }));
    if (opts.disabled) b.disabled = true;
    b.addEventListener('click', onClick);
    return b;
  }
  function section(id: string, title: string, ...children: Child[]): Elem {
    return el('section', { id, 'aria-labelledby': `${id}-title` }, el('h2', { id: `${id}-title`, text: title }), ...children);
  }
  function table(caption: string, headers: string[], rows: Elem[], cls = ''): Elem {
    const t = el('table', { class: cls });
    t.append(el('caption', { class: 'visually-hidden', text: caption }));
    const head = el('tr');
    for (const h of headers) head.append(el('th', { scope: 'col', text: h }));
    t.append(el('thead', {}, head));
    const body = el('tbody');
    for (const r of rows) body.append(r);
    t.append(body);
    // narrow panels scroll the table sideways; the Actions column stays in view (sticky)
    return el('div', { class: 'table-scroll' }, t);
  }
  function td(text: string, cls = ''): Elem {
    return el('td', { text, class: cls });
  }

  function header(s: PanelState): Elem {
    const busy = !!s.busy || !s.trusted;
    const ctx = el(
      'div',
      { class: 'context' },
      icon('cloud'),
      el('span', { class: 'label', text: 'Context: ' }),
      el('strong', { id: 'context-name', text: s.context ?? '(none)' }),
      s.server ? el('span', { class: 'muted', text: ` ${s.server}` }) : undefined,
    );
    const actions = el(
      'div',
      { class: 'actions', role: 'toolbar', 'aria-label': 'Cluster actions' },
      button('Scan cluster', 'search', 'Scan the cluster for security findings', 'scan', () => post({ type: 'scan' }), { disabled: busy || !s.context }),
      button('Refresh', 'refresh', 'Refresh namespaces and pods', 'refresh', () => post({ type: 'refresh' }), { disabled: busy || !s.context, secondary: true }),
      button('Select context', 'list-selection', 'Select the kubeconfig context', 'select-context', () => post({ type: 'selectContext' }), { disabled: !s.trusted, secondary: true }),
    );
    return el('header', {}, ctx, actions);
  }

  function banners(s: PanelState): Elem {
    const box = el('div', { id: 'banners', 'aria-live': 'polite' });
    if (!s.trusted) box.append(el('div', { class: 'banner warning', role: 'alert', text: 'Restricted Mode: cluster actions are disabled until you trust this workspace (they use your kubeconfig credentials).' }));
    if (s.error) box.append(el('div', { class: 'banner error', role: 'alert', text: s.error }));
    if (s.busy) box.append(el('div', { class: 'banner info', role: 'status' }, icon('loading'), el('span', { text: ` ${s.busy}…` })));
    for (const n of s.notices) box.append(el('div', { class: 'banner info', role: 'status', text: n }));
    if (s.scan?.errors.length) for (const e of s.scan.errors) box.append(el('div', { class: 'banner warning', role: 'status', text: e }));
    return box;
  }

  function namespaces(s: PanelState): Elem {
    const rows = s.namespaces.map((n) =>
      el(
        'tr',
        { 'data-namespace': n.name },
        td(n.name, 'name'),
        td(n.psa.enforce ?? '—', n.psa.enforce ? `psa psa-${n.psa.enforce}` : 'muted'),
        td(n.psa.warn ?? '—', n.psa.warn ? '' : 'muted'),
        td(n.psa.audit ?? '—', n.psa.audit ? '' : 'muted'),
        td(n.findings === undefined ? '—' : String(n.findings), n.findings ? 'count has' : 'count'),
      ),
    );
    return section('namespaces', `Namespaces (${s.namespaces.length})`, table('Namespaces with Pod Security Admission labels', ['Namespace', 'PSA enforce', 'warn', 'audit', 'Findings'], rows));
  }

  function podRow(p: PanelPod, s: PanelState): Elem {
    const id = `${p.namespace}/${p.name}`;
    const busy = !!s.busy || !s.trusted;
    // Quarantined is not isolated: "isolated" only when the live policies isolate the pod (computed by the host).
    const verified = p.isolated && p.isolation?.isolated === true;
    const iso = el(
      'td',
      { class: p.isolated ? (verified ? 'isolation isolated' : 'isolation not-isolated') : 'isolation', title: p.isolation?.summary ?? '' },
      icon(p.isolated ? (verified ? 'lock' : 'warning') : 'unlock'),
      el('span', { class: 'iso-text', text: p.isolated ? (verified ? ' isolated' : ' NOT isolated') : ' —' }),
    );
    // the buttons sit in a div: a flex <td> stops being a table cell and its column is cut off
    const buttons = el('div', { class: 'row-buttons' });
    const actions = el('td', { class: 'row-actions' }, buttons);
    buttons.append(button('Trace', 'pulse', `Trace egress connections of pod ${id}`, `trace:${id}`, () => post({ type: 'trace', namespace: p.namespace, pod: p.name }), { disabled: busy || !s.operations.trace, secondary: true }));
    if (p.isolated) buttons.append(button('Release', 'unlock', `Release pod ${id} from isolation`, `release:${id}`, () => post({ type: 'release', namespace: p.namespace, pod: p.name }), { disabled: busy || !s.operations.release, secondary: true }));
    else buttons.append(button('Isolate', 'lock', `Isolate pod ${id} (quarantine NetworkPolicy)`, `isolate:${id}`, () => post({ type: 'isolate', namespace: p.namespace, pod: p.name }), { disabled: busy || !s.operations.isolate }));
    buttons.append(button('YAML', 'go-to-file', `Open the live YAML of the object behind pod ${id}`, `open:${id}`, () => post({ type: 'openObject', namespace: p.namespace, pod: p.name }), { disabled: p.findings === undefined, secondary: true }));
    return el(
      'tr',
      { 'data-pod': id, class: p.isolated ? 'pod isolated' : 'pod' },
      td(p.namespace, 'ns'),
      el('td', { class: 'name' }, el('span', { text: p.name }), p.owner ? el('div', { class: 'muted small', text: p.owner }) : undefined),
      td(p.phase),
      td(p.ip, 'mono'),
      td(p.findings === undefined ? '—' : String(p.findings), p.findings ? 'count has findings' : 'count findings'),
      iso,
      el('td', { class: 'images mono small' }, ...p.images.map((i) => el('div', { class: 'image', text: i }))),
      actions,
    );
  }

  function pods(s: PanelState): Elem {
    const input = el('input', { type: 'search', id: 'pod-filter', placeholder: 'Filter pods', 'aria-label': 'Filter pods by namespace or name', 'data-focus-key': 'filter' });
    input.value = filter;
    input.addEventListener('input', () => {
      filter = input.value;
      render();
    });
    const f = filter.trim().toLowerCase();
    const shown = s.pods.filter((p) => !f || `${p.namespace}/${p.name}`.toLowerCase().includes(f));
    return section(
      'pods',
      `Pods (${s.pods.length})`,
      el('div', { class: 'filter' }, input),
      table('Pods with findings and isolation state', ['Namespace', 'Pod', 'Phase', 'IP', 'Findings', 'Isolation', 'Images', 'Actions'], shown.map((p) => podRow(p, s)), 'pods'),
    );
  }

  function trace(s: PanelState): Elem | undefined {
    const t = s.trace;
    if (!t) return undefined;
    const rows = t.connections.map((c) =>
      el('tr', { class: c.suspicious ? 'conn suspicious' : 'conn' }, td(c.direction), td(c.protocol), td(c.local, 'mono'), td(c.remote, 'mono remote'), td(c.state), el('td', {}, c.suspicious ? icon('warning') : undefined, el('span', { text: c.peer }))),
    );
    const id = `${t.namespace}/${t.pod}`;
    const busy = !!s.busy || !s.trusted;
    const actions = el(
      'div',
      { class: 'actions', role: 'toolbar', 'aria-label': `Actions for the trace of ${id}` },
      button('Trace again', 'pulse', `Trace egress connections of pod ${id} again`, `retrace:${id}`, () => post({ type: 'trace', namespace: t.namespace, pod: t.pod }), { disabled: busy || !s.operations.trace, secondary: !t.stale }),
      button('Generate egress policy', 'shield', `Generate an egress NetworkPolicy for pod ${id} from this trace`, `policy:${id}`, () => post({ type: 'generatePolicy', namespace: t.namespace, pod: t.pod }), { disabled: busy || !s.operations.generatePolicy, secondary: true }),
    );
    return section(
      'trace',
      `Egress trace: ${id}${t.stale ? ' (stale)' : ''}`,
      t.stale ? el('div', { class: 'banner warning stale', role: 'status', text: t.stale }) : undefined,
      el('p', { class: 'summary', text: t.summary }),
      el('p', { class: 'muted small', text: t.at }),
      actions,
      table('Connections of the traced pod', ['Direction', 'Protocol', 'Local', 'Remote', 'State', 'Peer'], rows, 'trace'),
      ...t.notes.map((n) => el('p', { class: 'muted small note', text: n })),
    );
  }

  function findings(s: PanelState): Elem | undefined {
    if (!s.scan) return undefined;
    const list = el('ul', { class: 'findings' });
    for (const f of s.topFindings) list.append(el('li', { class: `finding ${f.severity}` }, icon(f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'info'), el('span', { class: 'rule', text: ` ${f.rule} ` }), el('span', { class: 'object', text: f.object }), el('div', { class: 'message', text: f.message })));
    return section('findings', `Findings (${s.scan.findings} in ${s.scan.objects} objects, ${s.scan.at})`, el('p', { class: 'muted small', text: 'All findings are in the Problems view (live objects open read-only).' }), list);
  }

  function render(): void {
    if (!state) return;
    const focusKey = document.activeElement?.getAttribute('data-focus-key') ?? undefined;
    const s = state;
    const main = el('main', { 'aria-busy': s.busy ? 'true' : 'false' }, header(s), banners(s), namespaces(s), pods(s), trace(s), findings(s));
    root.replaceChildren(main);
    if (focusKey) {
      const target = Array.from(root.querySelectorAll('[data-focus-key]')).find((e) => e.getAttribute('data-focus-key') === focusKey);
      target?.focus();
    }
  }

  window.addEventListener('message', (event) => {
    const m = event.data as ExtensionMessage;
    if (!m || typeof m !== 'object') return;
    if (m.type === 'state') {
      state = m.state;
      render();
    } else if (m.type === 'focusPod') {
      const row = Array.from(root.querySelectorAll('tr[data-pod]')).find((r) => r.getAttribute('data-pod') === `${m.namespace}/${m.pod}`);
      row?.scrollIntoView({ block: 'center' });
      row?.querySelector('button')?.focus();
    }
  });
  post({ type: 'ready' });
}
