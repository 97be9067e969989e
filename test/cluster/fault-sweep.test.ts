/**
 * The fault sweep, sampled (issue #19 item 3): about one cell in seven of (every API request of isolate
 * and of release) × (403, 404, 409, 500, timeout, dropped connection); each message is compared with
 * the state read back (see sweep.ts). The full sweep: `npm run sweep:faults`.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { FAULTS, sweep } from './sweep';

for (const op of ['isolate', 'isolate-reuse', 'release'] as const) {
  test(`fault sweep (sampled) × ${op}: every message matches the cluster`, async () => {
    // Every fault kind is hit, at requests spread over the whole operation.
    const r = await sweep(op, { pick: (i, f) => (i + FAULTS.indexOf(f)) % 7 === 0 });
    assert.ok(r.requests > (op === 'release' ? 5 : 15), `${op} makes ${r.requests} requests`);
    assert.ok(r.cells.length >= FAULTS.length, `${r.cells.length} cells`);
    assert.deepEqual(new Set(r.cells.map((c) => c.fault)), new Set(FAULTS));
    assert.deepEqual(r.mismatches.map((c) => `request ${c.request} × ${c.fault}: claim ${c.claim}, state ${c.state}: ${c.message}`), []);
  });
}
