// The detection loss: quality focal loss on the class maps (GFL, Li et al. 2020: the target of a positive's
// class is the IoU its predicted box has with its object, so a score ranks boxes by how well they fit) plus GIoU
// loss on the boxes of positive locations, both normalised by the number of positives (as FCOS does), plus an
// auxiliary softmax cross-entropy over the classes at positive locations. In training, every term of a positive
// location is weighted by its class's weight (class-balance.ts) and the sum normalised by the weighted positives.
import * as tf from '@tensorflow/tfjs';
import type { Grid } from './targets';

/**
 * Weight of the GIoU term relative to the focal term. GFL's 2 left the boxes loose: on BCCD (Pretrained preset,
 * seed 2) 5 raised test mAP50-95 from 0.534 to 0.557 at the same mAP50 (0.867 against 0.869), and 8 gave 0.559 /
 * 0.869, within seed noise of 5 (YOLOv8 weighs its box loss 15 times its class loss). CIoU in place of GIoU was
 * worse at weight 2 (0.869 / 0.516) and is not used.
 */
export const BOX_LOSS_WEIGHT = 5;
/**
 * Weight of the auxiliary softmax cross-entropy over the class logits at positive locations. The sigmoid
 * focal term mostly teaches "object here" (every class logit rises at objects); this term only compares
 * the classes at objects, which makes the shapes separate in far fewer steps on small datasets. Unweighted, it
 * is also what collapsed BCCD onto its majority class: summed over positives that are 90% RBC, it pushed the
 * WBC and Platelet logits down at every cell, and after 4 epochs their scores sat at the 0.01 prior
 * everywhere (val AP50 0.00). With the class weights it helps (class-balance.ts).
 */
export const CLASS_AUX_WEIGHT = 2;

/**
 * The value of x with no gradient (tfjs has no stop-gradient op): the IoU targets are read from the predicted
 * boxes but must not pull them (GFL detaches them too); only the GIoU term moves boxes.
 */
const noGrad = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
  value: tf.clone(args[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as (x: tf.Tensor) => tf.Tensor;

/** The heads' outputs flattened to [B, N, C+4] in the grid's location order. */
export function flattenOutputs(outputs: tf.Tensor[], numClasses: number): tf.Tensor3D {
  return tf.tidy(() => {
    const flat = outputs.map((o) => tf.reshape(o, [o.shape[0]!, -1, numClasses + 4]));
    return tf.concat(flat, 1) as tf.Tensor3D;
  });
}

/** Grid constants as tensors ([1, N, 1] each), made once per model. */
export interface GridTensors {
  px: tf.Tensor;
  py: tf.Tensor;
  stride: tf.Tensor;
  distance: Grid['distance'];
}

/** Makes the grid tensors (kept across steps; dispose them with the model). */
export function gridTensors(grid: Grid): GridTensors {
  const t = (a: Float32Array) => tf.tensor3d(a, [1, grid.size, 1]);
  return { px: t(grid.px), py: t(grid.py), stride: t(grid.stride), distance: grid.distance };
}

/** Predicted boxes x1, y1, x2, y2 ([B, N, 1] each) from the distance channels: exp(x) or x, times the stride. */
export function decodeBoxes(reg: tf.Tensor, g: GridTensors): tf.Tensor[] {
  const units = g.distance === 'linear' ? tf.relu(reg) : tf.exp(tf.clipByValue(reg, -8, 8));
  const d = tf.mul(units, g.stride);
  const [l, t, r, b] = tf.split(d, 4, 2);
  return [tf.sub(g.px, l!), tf.sub(g.py, t!), tf.add(g.px, r!), tf.add(g.py, b!)];
}

/** IoU and generalised IoU of aligned boxes given as [x1, y1, x2, y2] tensors of equal shape. */
export function iouAndGiou(a: tf.Tensor[], b: tf.Tensor[]): { iou: tf.Tensor; giou: tf.Tensor } {
  const [ax1, ay1, ax2, ay2] = a as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const [bx1, by1, bx2, by2] = b as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const areaA = tf.mul(tf.relu(tf.sub(ax2, ax1)), tf.relu(tf.sub(ay2, ay1)));
  const areaB = tf.mul(tf.relu(tf.sub(bx2, bx1)), tf.relu(tf.sub(by2, by1)));
  const iw = tf.relu(tf.sub(tf.minimum(ax2, bx2), tf.maximum(ax1, bx1)));
  const ih = tf.relu(tf.sub(tf.minimum(ay2, by2), tf.maximum(ay1, by1)));
  const inter = tf.mul(iw, ih);
  const union = tf.add(tf.sub(tf.add(areaA, areaB), inter), 1e-7);
  const cw = tf.sub(tf.maximum(ax2, bx2), tf.minimum(ax1, bx1));
  const ch = tf.sub(tf.maximum(ay2, by2), tf.minimum(ay1, by1));
  const hull = tf.add(tf.mul(cw, ch), 1e-7);
  const iou = tf.div(inter, union);
  return { iou, giou: tf.sub(iou, tf.div(tf.sub(hull, union), hull)) };
}

/** Targets of a batch as tensors: cls [B,N,C], box [B,N,4] (x1,y1,x2,y2), pos [B,N,1]. */
export interface BatchTargets {
  cls: tf.Tensor;
  box: tf.Tensor;
  pos: tf.Tensor;
  /** Per-location loss weight [B,N,1] (class-balanced training); absent = 1 everywhere. */
  weight?: tf.Tensor;
}

/**
 * The data loss of a batch (a scalar): quality focal + BOX_LOSS_WEIGHT * GIoU + CLASS_AUX_WEIGHT * softmax CE at
 * positives, over max(1, positives); with targets.weight, each location's terms weighted and the sum over
 * max(1, weighted positives).
 */
export function detectionLoss(
  outputs: tf.Tensor[],
  targets: BatchTargets,
  g: GridTensors,
  numClasses: number,
): tf.Scalar {
  return tf.tidy(() => {
    const flat = flattenOutputs(outputs, numClasses);
    const logits = tf.slice(flat, [0, 0, 0], [-1, -1, numClasses]);
    const reg = tf.slice(flat, [0, 0, numClasses], [-1, -1, 4]);
    const pred = decodeBoxes(reg, g);
    const tgt = tf.split(targets.box, 4, 2);
    const { iou, giou: gi } = iouAndGiou(pred, tgt);
    const z = targets.cls;
    // The class target: the positive's IoU (detached) at its class, 0 elsewhere and at negatives.
    const q = tf.mul(z, noGrad(tf.mul(targets.pos, iou)));
    // Stable sigmoid cross-entropy with soft targets: max(x,0) - x*q + log(1 + exp(-|x|)).
    const ce = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, q)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    // QFL's modulating factor |q - p|^beta with GFL's beta = 2.
    const p = tf.sigmoid(logits);
    const w = targets.weight ?? tf.onesLike(targets.pos);
    const focal = tf.sum(tf.mul(tf.mul(tf.square(tf.sub(q, p)), ce), w));
    const posW = tf.mul(targets.pos, w);
    const boxLoss = tf.sum(tf.mul(posW, tf.sub(1, gi)));
    // Softmax cross-entropy at positives (z is one-hot there): logsumexp(x) - x[class].
    const softCe = tf.sub(tf.logSumExp(logits, 2, true), tf.sum(tf.mul(logits, z), 2, true));
    const aux = tf.sum(tf.mul(posW, softCe));
    const total = tf.addN([focal, tf.mul(boxLoss, BOX_LOSS_WEIGHT), tf.mul(aux, CLASS_AUX_WEIGHT)]);
    return tf.div(total, tf.maximum(tf.sum(posW), 1)) as tf.Scalar;
  });
}
