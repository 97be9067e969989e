/**
 * The full fault sweep (issue #19 item 3): every fault kind (403, 404, 409, 500, timeout, dropped
 * connection) at every API request of isolate and of release, against the in-repo simulator; each
 * result message is compared with the state read back. Prints the figures and every mismatch;
 * exit 1 if there is one. `npm run sweep:faults` (several minutes). The sampled version runs in
 * the unit tests (test/cluster/fault-sweep.test.ts).
 */
import { FAULTS, sweep } from '../test/cluster/sweep';

async function main(): Promise<void> {
  const only = process.argv.find((a) => a.startsWith('--op='))?.slice(5);
  let mismatches = 0;
  const lines: string[] = [];
  for (const op of ['isolate', 'isolate-reuse', 'release'] as const) {
    if (only && only !== op) continue;
    const t0 = Date.now();
    const r = await sweep(op, { onCell: (c) => { if (!c.ok) process.stderr.write(`MISMATCH ${c.op} request ${c.request} × ${c.fault}: claim ${c.claim}, state ${c.state}: ${c.status}: ${c.message}\n`); } });
    mismatches += r.mismatches.length;
    const byStatus = new Map<string, number>();
    for (const c of r.cells) byStatus.set(c.status, (byStatus.get(c.status) ?? 0) + 1);
    lines.push(`${op}: ${r.requests} requests × ${FAULTS.length} fault kinds = ${r.cells.length} cells, ${r.mismatches.length} mismatches (${Math.round((Date.now() - t0) / 1000)} s); outcomes: ${[...byStatus].map(([k, v]) => `${k} ${v}`).join(', ')}`);
    process.stdout.write(lines[lines.length - 1] + '\n');
  }
  process.stdout.write(`total mismatches: ${mismatches}\n`);
  process.exit(mismatches ? 1 : 0);
}

main().catch((e) => { process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`); process.exit(2); });
