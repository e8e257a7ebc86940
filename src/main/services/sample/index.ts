// The built-in sample dataset: deterministic synthetic shapes for demos, CI and first-time users.
/** generateSample and the split rule. */
export * from './generator';
/** Classes and shape geometry. */
export * from './shapes';
/** Scene rendering and box types. */
export * from './render';
/** Scene building and single-image rendering. */
export * from './scene';
/** The seeded random source. */
export * from './prng';
