/**
 * The schema worker: a worker thread (node:worker_threads) that owns the schema service, so that schema
 * validation, completion and hover never run on the language server's thread (a keystroke's re-analysis never
 * waits for them). Started by server/src/lsp/schema-layer.ts; bundled as server/out/schema-worker.js.
 *
 * Messages (`ToWorker` in, `FromWorker` out):
 * - `validate` (uri, version, text): the file is validated document by document (a document whose text was
 *   validated before reuses its diagnostics), yielding to incoming messages every few milliseconds; a newer
 *   `validate` or a `forget` of the uri cancels it. Answers `validated` with the diagnostics, or without them
 *   when cancelled. The main thread still checks the version before it keeps a result.
 * - `complete` / `hover` (id, one YAML document's text, position): answers `result` with the same id.
 * - `forget` (uri): the file was closed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CompletionList, Diagnostic, Hover, Position } from 'vscode-languageserver';
import { createSchemaService } from './index';
import { aliasHeavy, shiftRange, splitYamlDocuments } from './documents';

export interface SchemaWorkerData {
  schemasDir: string;
}

export type ToWorker =
  | { type: 'validate'; uri: string; version: number; languageId: string; text: string }
  | { type: 'forget'; uri: string }
  | { type: 'complete' | 'hover'; id: number; uri: string; languageId: string; version: number; text: string; position: Position };

export type FromWorker =
  | { type: 'validated'; uri: string; version: number; diagnostics?: Diagnostic[]; error?: string }
  | { type: 'result'; id: number; value?: CompletionList | Hover | null; error?: string };

/** Let incoming messages in after this much validation work (a newer version cancels, a hover is answered). */
const YIELD_AFTER_MS = 10;

/**
 * Background work: on Linux, lower this thread's scheduling priority (nice 10; setpriority with a thread id
 * acts on that thread only), so that on a busy machine the server's thread (a keystroke's re-analysis) runs
 * first. Elsewhere, or if not permitted, the worker keeps the process's priority.
 */
function lowerPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    const tid = Number(path.basename(fs.readlinkSync('/proc/thread-self')));
    if (tid > 0 && tid !== process.pid) os.setPriority(tid, Math.min(19, os.getPriority(tid) + 10));
  } catch {
    // not permitted (or no procfs): keep the priority
  }
}

const port = parentPort;
if (port) {
  lowerPriority();
  const { schemasDir } = workerData as SchemaWorkerData;
  const service = createSchemaService({ schemasDir });
  /** The newest version asked for per uri: older validations stop. */
  const latest = new Map<string, number>();
  /** Per uri: diagnostics of each YAML document by its text (ranges relative to the document). */
  const chunkCache = new Map<string, Map<string, Diagnostic[]>>();
  const send = (m: FromWorker) => port.postMessage(m);
  // two turns: the first reads the messages that arrived, the second lets their handlers run
  const yieldToMessages = async () => {
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
  };

  const validateFile = async (doc: TextDocument, current: () => boolean): Promise<Diagnostic[] | undefined> => {
    const text = doc.getText();
    const chunks = splitYamlDocuments(text);
    if (!chunks) {
      chunkCache.delete(doc.uri);
      if (aliasHeavy(text)) return [];
      const all = await service.validate(doc, { isCancelled: () => !current(), yieldAfterMs: YIELD_AFTER_MS });
      return current() ? all : undefined;
    }
    const previous = chunkCache.get(doc.uri) ?? new Map<string, Diagnostic[]>();
    const next = new Map<string, Diagnostic[]>();
    const out: Diagnostic[] = [];
    let sliceStart = Date.now();
    for (const chunk of chunks) {
      if (Date.now() - sliceStart >= YIELD_AFTER_MS) {
        await yieldToMessages();
        sliceStart = Date.now();
        if (!current()) {
          if (latest.has(doc.uri)) chunkCache.set(doc.uri, new Map([...previous, ...next])); // keep the work done
          return undefined;
        }
      }
      let diags = next.get(chunk.text) ?? previous.get(chunk.text);
      if (!diags) {
        diags = /\S/.test(chunk.text) && !aliasHeavy(chunk.text) ? await service.validate(TextDocument.create(doc.uri, doc.languageId, doc.version, chunk.text)) : [];
      }
      next.set(chunk.text, diags);
      for (const d of diags) {
        out.push({ ...d, range: shiftRange(d.range, chunk.line) });
      }
    }
    chunkCache.set(doc.uri, next);
    return current() ? out : undefined;
  };

  const validate = async (m: Extract<ToWorker, { type: 'validate' }>) => {
    const current = () => latest.get(m.uri) === m.version;
    try {
      const diagnostics = await validateFile(TextDocument.create(m.uri, m.languageId, m.version, m.text), current);
      send({ type: 'validated', uri: m.uri, version: m.version, ...(diagnostics ? { diagnostics } : {}) });
    } catch (e) {
      send({ type: 'validated', uri: m.uri, version: m.version, error: String((e as Error)?.stack ?? e) });
    }
  };

  const answer = async (m: Extract<ToWorker, { type: 'complete' | 'hover' }>) => {
    const doc = TextDocument.create(m.uri, m.languageId, m.version, m.text);
    try {
      const value = m.type === 'complete' ? await service.complete(doc, m.position) : await service.hover(doc, m.position);
      send({ type: 'result', id: m.id, value });
    } catch (e) {
      send({ type: 'result', id: m.id, error: String((e as Error)?.stack ?? e) });
    }
  };

  port.on('message', (m: ToWorker) => {
    switch (m.type) {
      case 'validate':
        latest.set(m.uri, m.version);
        void validate(m);
        break;
      case 'forget':
        latest.delete(m.uri);
        chunkCache.delete(m.uri);
        service.forget(m.uri);
        service.forget(`${m.uri}#k8s-guardrails-document`);
        break;
      case 'complete':
      case 'hover':
        void answer(m);
        break;
    }
  });
}
