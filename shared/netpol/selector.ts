/** NetworkPolicy selectors are the engine's one label selector (`../selector.ts`). */
export * from '../selector';
