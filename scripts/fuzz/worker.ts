/** Worker thread: generates and checks inputs start, start+step, … and reports each. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadCorpus } from './corpus';
import { makeInput } from './inputs';
import { checkInput, CheckOptions } from './check';

export interface WorkerData {
  seed: string;
  first: number;
  end: number;
  step: number;
  deadline: number;
  check: CheckOptions;
  bigRate: number;
}

export type WorkerMessage =
  | { type: 'begin'; index: number }
  | {
      type: 'done';
      index: number;
      origin: string;
      bytes: number;
      engineMs: number;
      totalMs: number;
      findings: number;
      fixes: number;
      agreement: string;
      failures: import('./check').Failure[];
    }
  | { type: 'end' };

const data = workerData as WorkerData;
const corpus = loadCorpus();
for (let i = data.first; i < data.end; i += data.step) {
  if (Date.now() > data.deadline) break;
  parentPort!.postMessage({ type: 'begin', index: i } satisfies WorkerMessage);
  const input = makeInput(data.seed, i, corpus, { bigRate: data.bigRate });
  const r = checkInput(input, data.check);
  parentPort!.postMessage({
    type: 'done',
    index: i,
    origin: input.origin,
    bytes: input.text.length,
    engineMs: r.engineMs,
    totalMs: r.totalMs,
    findings: r.findings,
    fixes: r.fixes,
    agreement: r.agreement,
    failures: r.failures,
  } satisfies WorkerMessage);
}
parentPort!.postMessage({ type: 'end' } satisfies WorkerMessage);
