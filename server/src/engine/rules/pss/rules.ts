/** The Pod Security Standards rules: the rule units that `pss/checks.ts` lists, as rules, in that order. */
import { PSS_RULE_UNITS } from '../../pss/checks';
import { Rule } from '../types';
import { definePssRule } from './define';

export const PSS_RULES: readonly Rule[] = PSS_RULE_UNITS.map(definePssRule);
