/**
 * NetworkPolicy semantics: the pure library lives in shared/netpol (the client's
 * cluster features use it without the engine); the engine's workspace view of it
 * (workspace.ts, hover.ts, generate.ts, commands.ts) lives here.
 */
export * from '../../../../shared/netpol';
