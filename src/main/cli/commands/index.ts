// Every `ridge` command with its line of `ridge help`: the one table main.ts dispatches from.
import type { CliIo } from '../io';
import { COMPARE_USAGE, compareCommand } from './compare';
import { demoCommand } from './demo';
import { doctorCommand } from './doctor';
import { evalCommand } from './eval';
import { EXPORT_USAGE, exportCommand, IMPORT_USAGE, importCommand } from './import-export';
import { initCommand } from './init';
import { PREDICT_USAGE, predictCommand } from './predict';
import { PRELABEL_USAGE, prelabelCommand } from './prelabel';
import { ROBUSTNESS_USAGE, robustnessCommand } from './robustness';
import { runsCommand } from './runs';
import { SAMPLE_USAGE, sampleCommand } from './sample';
import { serveCommand } from './serve';
import { statsCommand } from './stats';
import { STUDY_USAGE, studyCommand } from './study';
import { TRAIN_USAGE, trainCommand } from './train';

/** A command: its arguments and where it writes in, its exit code out. */
export type Command = (argv: string[], io: CliIo) => number | Promise<number>;

/** The commands, in the order `ridge help` lists them. */
export const COMMANDS: Record<string, { run: Command; usage: string }> = {
  init: { run: initCommand, usage: 'ridge init <dir> [--name N]' },
  stats: { run: statsCommand, usage: 'ridge stats <dir> [--json]' },
  import: { run: importCommand, usage: IMPORT_USAGE },
  export: { run: exportCommand, usage: EXPORT_USAGE },
  sample: { run: sampleCommand, usage: SAMPLE_USAGE },
  eval: { run: evalCommand, usage: 'ridge eval --gt <coco-gt.json> --dets <coco-results.json> [--json]' },
  serve: {
    run: serveCommand,
    usage:
      'ridge serve [<dir>] [--host 127.0.0.1] [--port P (0: any free port)] [--allow-remote] [--public-host NAME]... [--data-root DIR]... [--new-token]',
  },
  train: { run: trainCommand, usage: TRAIN_USAGE },
  compare: { run: compareCommand, usage: COMPARE_USAGE },
  study: { run: studyCommand, usage: STUDY_USAGE },
  runs: { run: runsCommand, usage: 'ridge runs <dir> [--json]' },
  predict: { run: predictCommand, usage: PREDICT_USAGE },
  prelabel: { run: prelabelCommand, usage: PRELABEL_USAGE },
  robustness: { run: robustnessCommand, usage: ROBUSTNESS_USAGE },
  demo: { run: demoCommand, usage: 'ridge demo [--out <dir>] [--quick]' },
  doctor: { run: doctorCommand, usage: 'ridge doctor <dir> [--repair] [--json]' },
};
