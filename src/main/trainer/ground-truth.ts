// The COCO ground truth of manifest images, in a module without tfjs: the trainer's evaluation and the services'
// test evaluation (which runs in the server or app process, where tfjs must not load) build it the same way.
import type { CocoGroundTruth } from './metrics';
import type { ManifestImage } from './protocol';

/** COCO ground truth of manifest images (category id = class index + 1, annotation ids from 1). */
export function cocoGroundTruth(
  classes: readonly string[],
  images: readonly ManifestImage[],
): CocoGroundTruth {
  let id = 1;
  return {
    images: images.map((i) => ({ id: i.id, width: i.width, height: i.height })),
    categories: classes.map((name, k) => ({ id: k + 1, name })),
    annotations: images.flatMap((i) =>
      i.boxes.map((b) => ({
        id: id++,
        image_id: i.id,
        category_id: b.classIndex + 1,
        bbox: [b.x, b.y, b.w, b.h],
        iscrowd: 0,
      })),
    ),
  };
}
