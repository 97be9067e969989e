/**
 * Per-snapshot memory for derived models (the NetworkPolicy model, the RBAC
 * model): built on first use, dropped with the snapshot. The host makes a new
 * snapshot, and so a new memo, whenever a file, the settings or the
 * configuration change, so nothing here needs an invalidation key.
 */
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
  private readonly values = new Map<MemoKey<unknown>, unknown>();

  get<T>(key: MemoKey<T>, build: () => T): T {
    let v = this.values.get(key) as T | undefined;
    if (v === undefined && !this.values.has(key)) this.values.set(key, (v = build()));
    return v as T;
  }
}

/** What a derived model is built from: one workspace state, one set of settings, and their memo. */
export interface SnapshotContext {
  readonly workspace: WorkspaceIndex;
  readonly settings: EngineSettings;
  readonly memo: AnalysisMemo;
}
