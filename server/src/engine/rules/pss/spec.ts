/**
 * The shape of a Pod Security Standards rule unit: the rule's metadata, docs and fix, and the official
 * check it reports with every version of it (the check functions are written in the rule's file).
 * Plain data: `pss/checks.ts` lists the units for the evaluator, `definePssRule` makes them rules.
 * Type-only imports, so that the evaluator can read the units without loading the rule machinery.
 */
import type { Resource, Severity } from '../../model';
import type { CheckFn } from '../../pss/helpers';
import type { Fix, RuleDocs } from '../types';

export interface PssCheckVersion {
  /** Upstream MinimumVersion, always v1.<minor>. */
  minor: number;
  fn: CheckFn;
  /** Upstream OverrideCheckIDs: the baseline checks this restricted check replaces at the restricted level. */
  overrides?: readonly string[];
}

export interface PssCheckSpec<Id extends string = string> {
  /** The official check id (upstream's), written only here. */
  id: Id;
  /** One-line title. */
  title: string;
  /** Oldest first; each applies from its version until the next one. */
  versions: readonly PssCheckVersion[];
}

export interface PssRuleSpec<Id extends string = string> {
  id: string;
  /** The level of the rule and of its check. */
  level: 'baseline' | 'restricted';
  title: string;
  check: PssCheckSpec<Id>;
  defaultSeverity?: Severity;
  docs: RuleDocs;
  /** Fixes for one offending location (path relative to the resource). */
  fix?: (res: Resource, path: readonly (string | number)[], missing: boolean) => Fix[];
}

/** Typed identity: keeps the check id's literal type (`PssCheckId` is derived from the units). */
export function pssRule<const Id extends string>(spec: PssRuleSpec<Id>): PssRuleSpec<Id> {
  return spec;
}
