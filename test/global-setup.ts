/** Vitest global setup: placeholder until the CLI bundle is built here. */
export function setup(): void {}
