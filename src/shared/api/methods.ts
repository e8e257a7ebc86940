/** Every contract method name, as plain data (the preload cannot bundle zod); a test keeps it equal to the schemas. */
export const METHOD_NAMES = [
  'project.create',
  'project.open',
  'project.info',
  'project.stats',
  'classes.list',
  'classes.create',
  'classes.update',
  'classes.delete',
  'classes.merge',
  'images.page',
  'images.get',
  'images.setStatus',
  'annotations.create',
  'annotations.update',
  'annotations.delete',
  'datasets.import',
  'datasets.export',
  'runs.list',
  'runs.epochs',
  'images.counts',
  'annotations.forClass',
  'annotations.createMany',
  'annotations.setClassMany',
  'runs.rows',
  'runs.queue',
  'runs.preflight',
  'runs.start',
  'runs.startCompare',
  'studies.list',
  'studies.show',
  'studies.cancel',
  'studies.delete',
  'studies.resume',
  'runs.cancel',
  'runs.resume',
  'runs.rename',
  'runs.delete',
  'runs.compare',
  'runs.testEval',
  'runs.predict',
  'labeling.prelabel',
  'project.overview',
  'images.list',
  'images.byIds',
  'images.setSplit',
  'images.remove',
  'images.restore',
  'images.purgeRemoved',
  'runs.robustness',
  'runs.saliency',
] as const;

/** IPC channel of a method: one channel per method, so the main process can check each. */
export function ipcChannel(method: string): string {
  return `studio:${method}`;
}

/** What crosses a transport for one call: a value, or an error a person can read. */
export type CallResult<T> = { ok: true; value: T } | { ok: false; error: import('./contract').ApiErrorShape };

/** Event names the preload may forward to the page (the EventMap's keys, as plain data). */
export const EVENT_NAMES = [
  'import.progress',
  'run.started',
  'run.progress',
  'run.epoch',
  'run.ended',
  'runs.queue',
  'project.changed',
  'menu.command',
] as const;

/** IPC channel of an event pushed from main to the window. */
export function eventChannel(event: string): string {
  return `studio-event:${event}`;
}

/** How long a caller waits for a call's answer, and whether the server's keep-alives extend the wait. */
export interface CallDeadline {
  ms: number;
  /** True for long methods: the wait restarts with every sign the server is still working on the call. */
  whileWorking: boolean;
}

/** Methods that may take minutes (imports, exports, predictions, reports): they wait while the server works. */
export const LONG_METHODS: readonly string[] = [
  'datasets.import',
  'datasets.export',
  'runs.testEval',
  'runs.predict',
  'runs.compare',
  'runs.robustness',
  'runs.saliency',
  'studies.show',
  'labeling.prelabel',
];

/**
 * Each method's deadline: a long method fails (timeout) only after 30 s without a word from the server, which
 * says every few seconds that it is still working; opening or creating a project (a migration may run) gets a
 * minute; everything else 30 s.
 */
export function callDeadline(method: string): CallDeadline {
  if (LONG_METHODS.includes(method)) return { ms: 30_000, whileWorking: true };
  if (method === 'project.open' || method === 'project.create') return { ms: 60_000, whileWorking: false };
  return { ms: 30_000, whileWorking: false };
}
