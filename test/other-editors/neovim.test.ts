/**
 * Neovim's built-in LSP client (Debian's neovim 0.7: `vim.lsp.start_client`, as in docs/editors.md)
 * runs `k8s-guardrails lsp --stdio` on a manifest, headless: the Lua config below waits for the
 * diagnostics, asks for the code actions on the privileged-container finding, applies the quick fix
 * to the buffer and writes what it saw to a JSON file that this test reads.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BIN } from '../helpers/cli';

const REPO = path.join(__dirname, '../../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'k8sg-neovim-'));

const MANIFEST = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
      securityContext:
        privileged: true
`;

const lua = (s: string): string => JSON.stringify(s); // a JSON string is a valid Lua string literal here (no control characters)

function initLua(results: string): string {
  return `
local results = ${lua(results)}
local raw = {}
local function finish(data)
  local f = io.open(results, 'w')
  f:write(vim.fn.json_encode(data))
  f:close()
  vim.cmd('qa!')
end

vim.api.nvim_create_autocmd('VimEnter', { callback = function()
  local ok, err = pcall(function()
    local bufnr = vim.api.nvim_get_current_buf()
    local client_id = vim.lsp.start_client({
      name = 'k8s-guardrails',
      cmd = { ${lua(process.execPath)}, ${lua(BIN)}, 'lsp', '--stdio' },
      root_dir = ${lua(tmp)},
      handlers = {
        ['textDocument/publishDiagnostics'] = function(e, result, ctx, config)
          raw[result.uri] = result.diagnostics
          return vim.lsp.diagnostic.on_publish_diagnostics(e, result, ctx, config)
        end,
      },
    })
    vim.lsp.buf_attach_client(bufnr, client_id)
    local uri = vim.uri_from_bufnr(bufnr)
    local got = vim.wait(30000, function()
      for _, d in ipairs(raw[uri] or {}) do
        if d.code == 'privileged-container' then return true end
      end
      return false
    end, 50)
    local client = vim.lsp.get_client_by_id(client_id)
    local data = { attached = got, server = client and client.name or nil, diagnostics = {}, actions = {} }
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      table.insert(data.diagnostics, { lnum = d.lnum, col = d.col, message = d.message, source = d.source, severity = d.severity })
    end
    local target
    for _, d in ipairs(raw[uri] or {}) do
      table.insert(data.diagnostics, { lsp_code = d.code, lnum = d.range.start.line })
      if d.code == 'privileged-container' then target = d end
    end
    if target then
      local resp = client.request_sync('textDocument/codeAction', {
        textDocument = { uri = uri },
        range = target.range,
        context = { diagnostics = { target } },
      }, 10000, bufnr)
      local fix
      for _, a in ipairs((resp and resp.result) or {}) do
        table.insert(data.actions, { title = a.title, kind = a.kind })
        if not fix and a.kind == 'quickfix' and a.edit then fix = a end
      end
      if fix then
        vim.lsp.util.apply_workspace_edit(fix.edit, client.offset_encoding)
        data.applied = fix.title
      end
    end
    data.lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
    finish(data)
  end)
  if not ok then finish({ error = tostring(err) }) end
end })
`;
}

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('Neovim (headless, built-in LSP client)', () => {
  it('shows the diagnostics of k8s-guardrails lsp --stdio and applies its quick fix', () => {
    const version = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
    assert.equal(version.status, 0, 'nvim not found: apt-get install -y neovim (.ci/run installs it); this test does not skip');
    const file = path.join(tmp, 'pod.yaml');
    fs.writeFileSync(file, MANIFEST);
    const results = path.join(tmp, 'results.json');
    const init = path.join(tmp, 'init.lua');
    fs.writeFileSync(init, initLua(results));
    const t0 = Date.now();
    const r = spawnSync('nvim', ['--headless', '-n', '-i', 'NONE', '-u', init, file], {
      cwd: tmp,
      encoding: 'utf8',
      timeout: 90_000,
      env: { ...process.env, XDG_CONFIG_HOME: path.join(tmp, 'config'), XDG_DATA_HOME: path.join(tmp, 'data'), XDG_STATE_HOME: path.join(tmp, 'state'), XDG_CACHE_HOME: path.join(tmp, 'cache') },
    });
    assert.ok(fs.existsSync(results), `nvim wrote no results (status ${r.status}, signal ${r.signal}):\n${r.stdout}\n${r.stderr}`);
    const data = JSON.parse(fs.readFileSync(results, 'utf8')) as {
      error?: string;
      attached: boolean;
      diagnostics: { lnum: number; message?: string; source?: string; lsp_code?: string }[];
      actions: { title: string; kind: string }[];
      applied?: string;
      lines: string[];
    };
    console.log(`# nvim ${version.stdout.split('\n')[0]}: ${Date.now() - t0} ms`);
    assert.equal(data.error, undefined);
    assert.ok(data.attached, JSON.stringify(data));
    // in Neovim's own diagnostic list, on the line of `privileged: true`
    const line = MANIFEST.split('\n').findIndex((l) => l.includes('privileged: true'));
    assert.ok(
      data.diagnostics.some((d) => d.source === 'k8s-guardrails' && d.lnum === line && /privileged/.test(d.message ?? '')),
      JSON.stringify(data.diagnostics),
    );
    assert.ok(data.actions.some((a) => a.kind === 'quickfix'), JSON.stringify(data.actions));
    assert.ok(data.applied, JSON.stringify(data.actions));
    assert.equal(data.lines[line].trim(), 'privileged: false', data.lines.join('\n'));
  });
});
