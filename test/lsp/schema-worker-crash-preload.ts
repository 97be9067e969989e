/**
 * Preload (NODE_OPTIONS --require) for test/lsp/schema-worker.test.ts: in a worker thread of the server
 * process (the schema worker), a message whose text holds `crash-the-schema-worker` throws an uncaught error,
 * as a crash of yaml-language-server inside the worker would. The server's own thread is left alone.
 */
import { isMainThread, parentPort } from 'node:worker_threads';

if (!isMainThread && parentPort) {
  parentPort.on('message', (m: { text?: unknown }) => {
    if (typeof m?.text === 'string' && m.text.includes('crash-the-schema-worker')) throw new Error('injected schema worker crash');
  });
}
