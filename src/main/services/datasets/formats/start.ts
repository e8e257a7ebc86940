import { Problems, readNameList } from './common';
import { joinRel, normalizeRel } from './paths';
import type { DatasetSource, ParsedDataset } from './types';

/** What every parser starts from: a problem list and an empty result holding it, so any early return reports. */
export function startParse(): { problems: Problems; out: ParsedDataset } {
  const problems = new Problems();
  return { problems, out: { classes: [], images: [], problems: problems.list } };
}

/** startParse for parsers given a dataset folder: the folder too, normalised ('' when unset or escaping). */
export function startFolderParse(dir: string | undefined): {
  problems: Problems;
  out: ParsedDataset;
  dir: string;
} {
  return { ...startParse(), dir: normalizeRel(dir ?? '') ?? '' };
}

/** The class order stated by the first of `names` (classes.txt, labels.txt...) present in `dir`, and that file. */
export function readStatedClasses(
  source: DatasetSource,
  dir: string,
  names: readonly string[],
  problems: Problems,
): { file: string | undefined; classes: string[] } {
  const file = names.map((f) => joinRel(dir, f) ?? f).find((f) => source.exists(f));
  return { file, classes: file === undefined ? [] : readNameList(source, file, problems) };
}
