import path from 'node:path';
import { UserError } from '../../../shared/errors';
import { parseCommandArgs, requirePositional } from '../args';
import { withProject } from '../door';
import { followRuns, runLine } from '../follow-runs';
import { type CliIo, emit, note } from '../io';
import { formatStudy } from './compare';

/** `ridge study`'s line of `ridge help`. */
export const STUDY_USAGE =
  'ridge study list <dir> [--json] | ridge study show <dir> <id> [--json] | ridge study resume <dir> <id> [--json]';

/**
 * `ridge study list <dir>`: every study with its status; `ridge study show <dir> <id>`: its table, verdicts and
 * report.html (studies.list / studies.show: the numbers the app shows); `ridge study resume <dir> <id>`: queue its
 * interrupted, failed and cancelled runs again (studies.resume) and train them here to the end. An unknown id
 * exits 1 in the API's words.
 */
export async function studyCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('study', argv, {});
  const sub = requirePositional('study', positionals, 0, 'list|show');
  const dir = path.resolve(io.cwd, requirePositional('study', positionals, 1, 'dir'));
  if (sub === 'list') {
    return withProject(dir, async (door) => {
      const list = await door.call('studies.list', {});
      emit(io, Boolean(values.json), list, () =>
        list.length === 0
          ? "no studies yet: start one with 'ridge compare'"
          : list
              .map(
                (s) =>
                  `${s.id}  ${s.status.padEnd(9)} ${s.arms.length} arms x ${s.seeds} seeds  ` +
                  `${s.progress.done}/${s.progress.total} done  ${s.createdAt}  ${s.name}`,
              )
              .join('\n'),
      );
      return 0;
    });
  }
  if (sub === 'show') {
    const id = requirePositional('study', positionals, 2, 'id');
    return withProject(dir, async (door) => {
      const doc = await door.call('studies.show', { studyId: id, report: true });
      emit(io, Boolean(values.json), doc, () => formatStudy(doc).join('\n'));
      return 0;
    });
  }
  if (sub === 'resume') {
    const id = requirePositional('study', positionals, 2, 'id');
    return withProject(dir, async (door) => {
      const followed = await followRuns(
        door,
        io,
        async () => {
          const r = await door.call('studies.resume', { studyId: id });
          note(
            io,
            `study ${id}: ${r.resumed.length} run(s) continue from their last checkpoint, ` +
              `${r.restarted.length} start again from the first epoch`,
          );
          return [...r.resumed, ...r.restarted];
        },
        (r, i, all) => `[${i + 1}/${all.length}] ${r.config.arm} seed ${r.config.seed}`,
      );
      for (const r of followed.runs) note(io, runLine(r));
      const doc = await door.call('studies.show', { studyId: id, report: true });
      emit(io, Boolean(values.json), doc, () => formatStudy(doc).join('\n'));
      if (followed.interrupted) return 130;
      return followed.runs.some((r) => r.status === 'failed') ? 2 : 0;
    });
  }
  throw new UserError(`ridge study: unknown subcommand '${sub}' (use list, show or resume)`);
}
