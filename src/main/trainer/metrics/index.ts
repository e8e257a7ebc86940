// Detection metrics: COCO evaluation equal to pycocotools and PASCAL VOC mAP. Pure TypeScript (no Node
// built-ins) so the trainer, the CLI and the renderer can all import it.

export { evaluateCoco } from './coco-eval';
export { evaluateVoc, vocAveragePrecision, vocIou } from './voc-eval';
export { cocoIou } from './coco-match';
export { MetricsInputError } from './prepare';
export {
  COCO_AREA_RANGES,
  COCO_IOU_THRESHOLDS,
  COCO_MAX_DETS,
  COCO_RECALL_THRESHOLDS,
  COCO_STAT_KEYS,
  cocoStatsArray,
} from './params';
export type * from './types';
