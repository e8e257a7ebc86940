import type { ImageWithBoxes, ResultMap } from '../../../shared/api/contract';
import { type ArgsOf, argSchemas, type MethodName } from '../../../shared/api/schemas';
import { exportDataset } from '../datasets/export';
import { importDataset } from '../datasets/import';
import { UserError } from '../../../shared/errors';
import { createBox, deleteBox, restoreBox, setImageStatus, updateBox } from '../labeling/edits';
import type { Project } from '../project/project';
import type { Analyzer, Predictor } from '../runs/predict-host';
import { deleteClass, mergeClasses } from '../labeling/classes';
import { LONG_METHODS } from '../../../shared/api/methods';
import { writeQueueOf } from '../db/write-queue';
import { type FileReach, unconfinedReach } from './reach';
import { createRunsHandlers } from './runs-handlers';
import type { StudioSession } from './session';
import { createStudioHandlers } from './studio-handlers';

type Handler<M extends MethodName> = (args: ArgsOf<M>) => ResultMap[M] | Promise<ResultMap[M]>;
/** One implementation per contract method; transports look methods up here. */
export type Handlers = { [M in MethodName]: Handler<M> };

function withBoxes(p: Project, imageId: number): ImageWithBoxes {
  const img = p.images.byId(imageId);
  if (!img) throw new UserError(`image ${imageId} does not exist`);
  return { ...img, boxes: p.annotations.forImage(imageId) };
}

/** What the handlers need beyond a session; each front door's composition root creates it explicitly. */
export interface HandlerServices {
  /** Runs an exported model on images in a trainer process of the door's kind (fork, utilityProcess). */
  predictor: Predictor;
  /** Runs a finished run's robustness and saliency analyses in a trainer process of the door's kind. */
  analyzer: Analyzer;
  /** Which folders calls may name (`ridge serve`: its --data-root folders); none: any (the app, the CLI). */
  reach?: FileReach;
  /** How long a write waits for another process's lock before a retryable `busy` (default WRITE_WAIT_MS). */
  writeWaitMs?: number;
}

/** Methods that only read the project: they never wait in the write queue. */
const READS: ReadonlySet<MethodName> = new Set<MethodName>([
  'project.info',
  'project.stats',
  'project.overview',
  'classes.list',
  'images.page',
  'images.get',
  'images.counts',
  'images.list',
  'images.byIds',
  'annotations.forClass',
  'runs.list',
  'runs.epochs',
  'runs.rows',
  'runs.queue',
  'runs.preflight',
  'runs.compare',
  'runs.saliency',
  'datasets.export',
]);
/** Calls that open a project (the session's, not a write to one). */
const OPENS: ReadonlySet<MethodName> = new Set<MethodName>(['project.create', 'project.open']);

/**
 * Route each writing handler through its project's write queue: edits in arrival order, long writes (imports,
 * pre-label) beside it, every one retried asynchronously while another process holds the lock, and a retryable
 * `busy` after the wait, so no write ever blocks the event loop on SQLite's lock or fails as "database is locked".
 */
function queued(handlers: Handlers, session: StudioSession, waitMs: number | undefined): Handlers {
  const out = { ...handlers } as Record<MethodName, (a: unknown) => unknown>;
  for (const m of Object.keys(handlers) as MethodName[]) {
    if (READS.has(m) || OPENS.has(m)) continue;
    const h = handlers[m] as (a: unknown) => unknown;
    out[m] = (a) => {
      const q = writeQueueOf(session.project.db, waitMs);
      return LONG_METHODS.includes(m) ? q.runBeside(() => h(a)) : q.run(() => h(a));
    };
  }
  return out as Handlers;
}

/**
 * The service implementation of every contract method, bound to one session (a window, a browser tab's
 * connection, a CLI command) and the door's services. Arguments arrive validated (dispatch).
 */
export function createHandlers(session: StudioSession, services: HandlerServices): Handlers {
  return queued(directHandlers(session, services), session, services.writeWaitMs);
}

function directHandlers(session: StudioSession, services: HandlerServices): Handlers {
  const p = () => session.project;
  const reach = services.reach ?? unconfinedReach;
  /** Imports may also read the open project's own folder (browser uploads wait in its .staging). */
  const importable = (dir: string, what: string) => reach.resolve(dir, what, [p().dir]);
  return {
    'project.create': (a) => session.use(reach.resolve(a.dir, 'project folder'), 'create', a.name),
    'project.open': (a) => session.use(reach.resolve(a.dir, 'project folder')),
    'project.info': () => p().info(),
    'project.stats': () => ({ ...p().stats(), duplicateGroups: p().images.duplicateGroups() }),
    'classes.list': () => p().classes.list(),
    'classes.create': (a) => {
      if (p().classes.byName(a.name)) throw new UserError(`a class named '${a.name}' already exists`);
      return p().tx(() =>
        p().classes.create(a.name, {
          ...(a.color ? { color: a.color } : {}),
          ...(a.hotkey !== undefined ? { hotkey: a.hotkey } : {}),
        }),
      );
    },
    'classes.update': ({ id, ...patch }) => {
      if (!p().classes.byId(id)) throw new UserError(`class ${id} does not exist`);
      const clash = patch.name ? p().classes.byName(patch.name) : undefined;
      if (clash && clash.id !== id) throw new UserError(`a class named '${patch.name}' already exists`);
      return p().tx(() => p().classes.update(id, patch));
    },
    'classes.delete': (a) => ({ deletedBoxes: deleteClass(p(), a.id) }),
    'classes.merge': (a) => ({ movedBoxes: mergeClasses(p(), a.fromId, a.toId) }),
    'images.page': (a) => {
      const items = p().images.page(a.filter, a.after, a.limit);
      const boxes = p().annotations.forImages(items.map((i) => i.id));
      const byImage = new Map<number, ImageWithBoxes['boxes']>();
      for (const b of boxes) byImage.set(b.imageId, [...(byImage.get(b.imageId) ?? []), b]);
      return {
        items: items.map((i) => ({ ...i, boxes: byImage.get(i.id) ?? [] })),
        total: p().images.countFiltered(a.filter),
        nextAfter: items.length === a.limit ? items[items.length - 1]!.id : null,
      };
    },
    'images.get': (a) => withBoxes(p(), a.id),
    'images.setStatus': (a) => {
      setImageStatus(p(), a.id, a.status);
      return p().images.byId(a.id)!;
    },
    'annotations.create': (a) => createBox(p(), a),
    'annotations.update': ({ id, ...patch }) => updateBox(p(), id, patch),
    'annotations.delete': (a) => ({ deleted: deleteBox(p(), a.id) }),
    'datasets.import': (a) =>
      importDataset(p(), {
        format: a.format,
        from: importable(a.from, 'import source'),
        ...(a.images ? { images: importable(a.images, 'image folder') } : {}),
        ...(a.split ? { split: a.split } : {}),
        link: Boolean(a.link),
        skipBad: Boolean(a.skipBad),
        verifyPixels: Boolean(a.verifyPixels),
        onProgress: (done, total, phase) => session.emit('import.progress', { done, total, phase }),
      }),
    'datasets.export': (a) => exportDataset(p(), a.format, reach.resolve(a.to, 'export folder')),
    'runs.list': () => p().runs.list(),
    'runs.epochs': (a) => p().runs.epochs(a.runId),
    'images.counts': () => {
      const n = (f: Parameters<Project['images']['countFiltered']>[0]) => p().images.countFiltered(f);
      return {
        all: p().images.count(),
        unlabeled: n({ status: 'unlabeled' }),
        labeled: n({ status: 'labeled' }),
        empty: n({ status: 'empty' }),
        reviewed: n({ status: 'reviewed' }),
        pending: n({ hasPending: true }),
      };
    },
    'annotations.forClass': (a) =>
      p()
        .annotations.imageIdsForClass(a.classId)
        .flatMap((id) => p().annotations.forImage(id))
        .filter((b) => b.classId === a.classId),
    'annotations.createMany': (a) => p().tx(() => a.items.map((it) => restoreBox(p(), it))),
    'annotations.setClassMany': (a) =>
      p().tx(() => {
        for (const id of a.ids) updateBox(p(), id, { classId: a.classId });
        return { updated: a.ids.length };
      }),
    ...createRunsHandlers(session, services),
    ...createStudioHandlers(session),
  };
}

/** Validate raw arguments for a method; throws a ZodError a transport turns into an `invalid-args` error. */
export function validateArgs<M extends MethodName>(method: M, raw: unknown): ArgsOf<M> {
  return argSchemas[method].parse(raw ?? {}) as ArgsOf<M>;
}
