import { trainerProcessPredictor } from '../services/runs/predict-host';
import type { Predictor } from '../services/runs/test-eval';

/**
 * `ridge serve`'s predictions (pre-label, test-split evaluation): the engine runs in a forked trainer process,
 * so a large set never blocks the server's event loop and tfjs stays out of the server process.
 */
export const enginePredictor: Predictor = trainerProcessPredictor();
