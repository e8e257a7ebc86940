// The 80 COCO class names of the COCO-pretrained detector, and how a project's class names are matched to them
// for pre-labeling before any training (`ridge prelabel --coco`, the studio's pre-label card): one rule, here,
// for the CLI, the API and the app.
import { UserError } from '../errors';

/** The COCO classes of the detector's 80 class outputs, in order (the COCO-pretrained NanoDet's). */
export const COCO_CLASSES = [
  'person',
  'bicycle',
  'car',
  'motorcycle',
  'airplane',
  'bus',
  'train',
  'truck',
  'boat',
  'traffic light',
  'fire hydrant',
  'stop sign',
  'parking meter',
  'bench',
  'bird',
  'cat',
  'dog',
  'horse',
  'sheep',
  'cow',
  'elephant',
  'bear',
  'zebra',
  'giraffe',
  'backpack',
  'umbrella',
  'handbag',
  'tie',
  'suitcase',
  'frisbee',
  'skis',
  'snowboard',
  'sports ball',
  'kite',
  'baseball bat',
  'baseball glove',
  'skateboard',
  'surfboard',
  'tennis racket',
  'bottle',
  'wine glass',
  'cup',
  'fork',
  'knife',
  'spoon',
  'bowl',
  'banana',
  'apple',
  'sandwich',
  'orange',
  'broccoli',
  'carrot',
  'hot dog',
  'pizza',
  'donut',
  'cake',
  'chair',
  'couch',
  'potted plant',
  'bed',
  'dining table',
  'toilet',
  'tv',
  'laptop',
  'mouse',
  'remote',
  'keyboard',
  'cell phone',
  'microwave',
  'oven',
  'toaster',
  'sink',
  'refrigerator',
  'book',
  'clock',
  'vase',
  'scissors',
  'teddy bear',
  'hair drier',
  'toothbrush',
] as const;

/**
 * The score a pre-label pass keeps boxes from unless told otherwise (the CLI's --score, the card's field): 0.3 for
 * a run's model; 0.4 for the COCO model, whose precision on real photos jumps there (voc-subset100, flip TTA,
 * `npm run bench -- prelabel`, 7 December 2026: precision 0.527 / recall 0.722 at 0.3, 0.730 / 0.623 at 0.4,
 * 0.844 / 0.495 at 0.5).
 */
export const DEFAULT_PRELABEL_SCORE = { run: 0.3, coco: 0.4 } as const;

/** A COCO class name. */
export type CocoClass = (typeof COCO_CLASSES)[number];

/** Names a project may use for a COCO class that no spelling rule finds (VOC's names, common synonyms). */
const ALIASES: Record<string, CocoClass> = {
  aeroplane: 'airplane',
  plane: 'airplane',
  motorbike: 'motorcycle',
  bike: 'bicycle',
  sofa: 'couch',
  tvmonitor: 'tv',
  television: 'tv',
  monitor: 'tv',
  people: 'person',
  pedestrian: 'person',
  human: 'person',
  mobilephone: 'cell phone',
  phone: 'cell phone',
  hairdryer: 'hair drier',
  doughnut: 'donut',
  ball: 'sports ball',
  table: 'dining table',
  plant: 'potted plant',
  fridge: 'refrigerator',
};

/** A name reduced to lower-case letters and digits ("Potted_Plant" and "pottedplant" are one key). */
function compact(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

const BY_KEY = new Map<string, CocoClass>([
  ...COCO_CLASSES.map((c) => [compact(c), c] as [string, CocoClass]),
  ...Object.entries(ALIASES),
]);

/**
 * The COCO class a project's class name stands for, or undefined: case, spaces, '_' and '-' do not matter, a
 * plural 's'/'es' is dropped, and VOC's names (aeroplane, motorbike, sofa, tvmonitor, ...) are known.
 */
export function cocoClassFor(name: string): CocoClass | undefined {
  const key = compact(name);
  if (!key) return undefined;
  for (const k of [key, key.replace(/s$/, ''), key.replace(/es$/, '')]) {
    const hit = BY_KEY.get(k);
    if (hit) return hit;
  }
  return undefined;
}

/** Which COCO class pre-labels as which project class: { 'motorcycle': 'Motorbike', ... }. */
export type CocoMapping = Record<string, string>;

/** The mapping the name rule finds (cocoClassFor): each project class whose name is a COCO class, at most once. */
export function suggestCocoMapping(projectClasses: readonly string[]): CocoMapping {
  const map: CocoMapping = {};
  for (const name of projectClasses) {
    const coco = cocoClassFor(name);
    if (coco && !(coco in map)) map[coco] = name;
  }
  return map;
}

/**
 * Why a mapping cannot pre-label this project, or null: it maps nothing, names a COCO class that does not exist,
 * or a class the project does not have. The same words through the CLI, the API and the app.
 */
export function cocoMappingProblem(map: CocoMapping, projectClasses: readonly string[]): string | null {
  const entries = Object.entries(map);
  if (entries.length === 0) {
    const names = projectClasses.length ? projectClasses.join(', ') : 'none yet';
    const example = projectClasses[0] ?? 'Car';
    return (
      `none of the project's classes (${names}) is a COCO class: map COCO classes to them, ` +
      `e.g. car=${example} (ridge prelabel --map "car=${example}"; in the studio, the mapping of the pre-label card)`
    );
  }
  const coco = new Set<string>(COCO_CLASSES);
  const unknown = entries.map(([c]) => c).filter((c) => !coco.has(c));
  if (unknown.length) {
    const named = unknown.map((c) => {
      const near = cocoClassFor(c);
      return near ? `${c} (did you mean ${near}?)` : c;
    });
    return `not COCO classes: ${named.join(', ')}; the 80 COCO classes are ${COCO_CLASSES.join(', ')}`;
  }
  const own = new Set(projectClasses);
  const missing = [...new Set(entries.map(([, p]) => p).filter((p) => !own.has(p)))];
  if (missing.length) return `not classes of this project: ${missing.join(', ')}`;
  return null;
}

/** `--map "car=Vehicle,truck=Vehicle"` as a CocoMapping; a malformed entry is an error that quotes it. */
export function parseCocoMapping(text: string): CocoMapping {
  const map: CocoMapping = {};
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const eq = entry.indexOf('=');
    const coco = eq < 0 ? '' : entry.slice(0, eq).trim();
    const project = eq < 0 ? '' : entry.slice(eq + 1).trim();
    if (!coco || !project)
      throw new UserError(
        `--map entry "${entry}" is not coco=project (e.g. --map "car=Vehicle,person=Worker")`,
      );
    map[coco.toLowerCase()] = project;
  }
  return map;
}
