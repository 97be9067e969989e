/** Lookup from an official PSS check id to the rule's id and fix, filled in by `definePssRule`. */
import { Resource } from '../../model';
import { Fix } from '../types';

export interface PssFixer {
  ruleId?: string;
  fixFor?: (res: Resource, path: readonly (string | number)[], missing: boolean) => Fix[];
}

const byCheck = new Map<string, PssFixer>();

export function registerCheck(check: string, fixer: PssFixer): void {
  byCheck.set(check, fixer);
}

export function ruleForCheck(check: string): PssFixer | undefined {
  return byCheck.get(check);
}
