// Commands beyond init/stats register themselves here, so main.ts stays small.
import { exportCommand, importCommand } from './commands/import-export';
import { registerCommand } from './main';
import { sampleCommand } from './commands/sample';
import { evalCommand } from './commands/eval';

registerCommand(
  'import',
  importCommand,
  'ridge import <dir> --format coco|yolo|voc|createml|labelme|cvat|images --from <file-or-folder> [--images <folder>] [--split train|val|test] [--link] [--skip-bad] [--verify-pixels]',
);
registerCommand('export', exportCommand, 'ridge export <dir> --format coco|yolo|voc|createml --to <folder>');
registerCommand('sample', sampleCommand, 'ridge sample <dir> [--images N (default 200)] [--seed S]');
registerCommand('eval', evalCommand, 'ridge eval --gt <coco-gt.json> --dets <coco-results.json> [--json]');
