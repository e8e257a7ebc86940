import type { ListedImage } from '../../../shared/api/studio-contract';
import { naturalCompare } from '../../../shared/natural-sort';
import { projectOverview } from '../labeling/overview';
import { purgeRemoved, removeImages, restoreImages, setImagesSplit } from '../labeling/removal';
import type { Handlers } from './handlers';
import type { StudioSession } from './session';

/** The studio's project-level methods: overview, the naturally sorted list, split changes, image removal. */
export function createStudioHandlers(
  session: StudioSession,
): Pick<
  Handlers,
  | 'project.overview'
  | 'images.list'
  | 'images.byIds'
  | 'images.setSplit'
  | 'images.remove'
  | 'images.restore'
  | 'images.purgeRemoved'
> {
  const p = () => session.project;
  return {
    'project.overview': () => projectOverview(p()),
    'images.list': (a) => {
      const rows = p().images.listed(a.filter, {
        ...(a.search !== undefined ? { search: a.search.trim() } : {}),
        ...(a.removed !== undefined ? { removed: a.removed } : {}),
      });
      return { ids: rows.sort((x, y) => naturalCompare(x.path, y.path) || x.id - y.id).map((r) => r.id) };
    },
    'images.byIds': (a) => {
      const found = new Map(
        p()
          .images.byIds(a.ids)
          .map((i) => [i.id, i]),
      );
      const boxes = new Map<number, ListedImage['boxes']>();
      for (const b of p().annotations.forImages(a.ids))
        boxes.set(b.imageId, [...(boxes.get(b.imageId) ?? []), b]);
      return a.ids.flatMap((id) => {
        const img = found.get(id);
        return img ? [{ ...img, boxes: boxes.get(id) ?? [] }] : [];
      });
    },
    'images.setSplit': (a) => ({ updated: setImagesSplit(p(), a.ids, a.split) }),
    'images.remove': (a) => ({ removed: removeImages(p(), a.ids) }),
    'images.restore': (a) => ({ restored: restoreImages(p(), a.ids) }),
    'images.purgeRemoved': () => purgeRemoved(p()),
  };
}
