// Commands beyond init/stats register themselves here, so main.ts stays small.
import { exportCommand, importCommand } from './commands/import-export';
import { registerCommand } from './main';
import { sampleCommand } from './commands/sample';
import { evalCommand } from './commands/eval';
import { trainCommand } from './commands/train';
import { compareCommand } from './commands/compare';
import { runsCommand } from './commands/runs';
import { predictCommand } from './commands/predict';
import { demoCommand } from './commands/demo';
import { serveCommand } from './commands/serve';

registerCommand(
  'import',
  importCommand,
  'ridge import <dir> --format coco|yolo|voc|createml|labelme|cvat|images --from <file-or-folder> [--images <folder>] [--split train|val|test] [--link] [--skip-bad] [--verify-pixels]',
);
registerCommand('export', exportCommand, 'ridge export <dir> --format coco|yolo|voc|createml --to <folder>');
registerCommand(
  'sample',
  sampleCommand,
  'ridge sample <dir> [--images N (default 200)] [--seed S] [--imbalance 85,8,7 (class shares of the boxes)]',
);
registerCommand('eval', evalCommand, 'ridge eval --gt <coco-gt.json> --dets <coco-results.json> [--json]');
registerCommand(
  'serve',
  serveCommand,
  'ridge serve [<dir>] [--host 127.0.0.1] [--port P (0: any free port)] [--allow-remote]',
);
registerCommand(
  'train',
  trainCommand,
  'ridge train <dir> [--reg none|l2|wd|l1|dropout] [--lambda X] [--epochs N] [--seed S] [--img-size P] [--batch-size N] [--lr X] [--width W] [--backbone scratch|mobilenetv2] [--backend auto|tfjs-node-gpu|webgpu|tfjs-node|cpu] [--resume RUN]',
);
registerCommand(
  'compare',
  compareCommand,
  'ridge compare <dir> --arms none,l2=5e-4,l2=1e-3,wd=5e-2,l1=1e-5,dropout=0.2 [--seeds N] [--epochs N] [--img-size P] [--backbone B] [--backend B]',
);
registerCommand('runs', runsCommand, 'ridge runs <dir> [--json]');
registerCommand(
  'predict',
  predictCommand,
  'ridge predict <dir> --run <id> --images <folder> --out <coco-results.json> [--score S] [--backend B] [--no-tta]',
);
registerCommand('demo', demoCommand, 'ridge demo [--out <dir>] [--quick]');
