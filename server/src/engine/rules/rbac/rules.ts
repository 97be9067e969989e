/** The RBAC rules: one per row of the RBAC table (table.ts), in table order. */
import { defineRbacRule } from './common';
import { RBAC_ROWS } from './table';

export const RBAC_RULES = RBAC_ROWS.map(defineRbacRule);
