import path from 'node:path';
import type { ImageWithBoxes, ResultMap } from '../../../shared/api/contract';
import { type ArgsOf, argSchemas, type MethodName } from '../../../shared/api/schemas';
import { exportDataset } from '../datasets/export';
import { importDataset } from '../datasets/import';
import { UserError } from '../../../shared/errors';
import { createBox, deleteBox, restoreBox, setImageStatus, updateBox } from '../labeling/edits';
import type { Project } from '../project/project';
import type { Predictor } from '../runs/predict-host';
import { deleteClass, mergeClasses } from '../labeling/classes';
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
}

/**
 * The service implementation of every contract method, bound to one session (a window, a browser tab's
 * connection, a CLI command) and the door's services. Arguments arrive validated (dispatch).
 */
export function createHandlers(session: StudioSession, services: HandlerServices): Handlers {
  const p = () => session.project;
  return {
    'project.create': (a) => session.use(a.dir, 'create', a.name),
    'project.open': (a) => session.use(a.dir),
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
        from: path.resolve(a.from),
        ...(a.images ? { images: path.resolve(a.images) } : {}),
        ...(a.split ? { split: a.split } : {}),
        link: Boolean(a.link),
        skipBad: Boolean(a.skipBad),
        verifyPixels: Boolean(a.verifyPixels),
        onProgress: (done, total, phase) => session.emit('import.progress', { done, total, phase }),
      }),
    'datasets.export': (a) => exportDataset(p(), a.format, a.to),
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
