/**
 * Per-snapshot memory for derived models (the NetworkPolicy model, the RBAC
 * model): built on first use. The host makes a new snapshot whenever a file,
 * the settings or the configuration change; the new snapshot keeps the memo
 * of the one before while the settings, the configuration, the renders and
 * the workspace's facts (WorkspaceIndex.facts: what rules read of other
 * resources) are the same object, so that typing in a container does not
 * rebuild whole-workspace models. A model therefore must be built from facts
 * only, and must look resources up by `resourceKey` (a re-parse makes new
 * `Resource` objects for the documents of the edited file), not by identity.
 */
import type { Resource } from './model';
import type { EngineSettings } from './rules/types';
import type { WorkspaceIndex } from './workspace';

/** A typed key for one derived model (module-level constant in the module that builds it). */
export interface MemoKey<T> {
  readonly name: string;
  /** Phantom: only carries `T`. */
  readonly _type?: T;
}

export function memoKey<T>(name: string): MemoKey<T> {
  return { name };
}

export class AnalysisMemo {
  /** What the memo's models were built from (engine/host.ts keeps the memo while both are the same). */
  constructor(
    readonly facts?: object,
    readonly rendered?: unknown,
  ) {}

  private readonly values = new Map<MemoKey<unknown>, unknown>();

  /** The model of `key`, built by `build(arg)` on first use (an argument, not a closure: rules ask per resource). */
  get<T>(key: MemoKey<T>, build: () => T): T;
  get<T, A>(key: MemoKey<T>, build: (arg: A) => T, arg: A): T;
  get<T, A>(key: MemoKey<T>, build: (arg?: A) => T, arg?: A): T {
    let v = this.values.get(key) as T | undefined;
    if (v === undefined && !this.values.has(key)) this.values.set(key, (v = build(arg)));
    return v as T;
  }
}

/**
 * Where a resource is — its file, its document's index in the file and its path in the document — as a
 * key that survives re-parses keeping the workspace's facts (they include every resource's place).
 */
export function resourceKey(res: Resource): string {
  let key = keys.get(res);
  if (key === undefined) keys.set(res, (key = `${res.file.uri}\0${res.doc.index}\0${res.prefix.join('.')}`));
  return key;
}

/** Keys by Resource (its file, document and prefix never change): the models look resources up once per rule. */
const keys = new WeakMap<Resource, string>();

/** True when `a` and `b` are the same resource (possibly of two parses of its file). */
export function sameResource(a: Resource | undefined, b: Resource | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && resourceKey(a) === resourceKey(b));
}

/** What a derived model is built from: one workspace state, one set of settings, and their memo. */
export interface SnapshotContext {
  readonly workspace: WorkspaceIndex;
  readonly settings: EngineSettings;
  readonly memo: AnalysisMemo;
}
