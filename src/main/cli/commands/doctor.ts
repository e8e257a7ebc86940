import path from 'node:path';
import { diagnoseProject, type DoctorReport, repairProject } from '../../services/doctor/doctor';
import { parseCommandArgs, requirePositional } from '../args';
import { type CliIo, emit } from '../io';

function describeReport(r: DoctorReport, repair: boolean): string {
  const lines = [
    ...r.repaired.map((a) => `repaired: ${a}`),
    ...r.problems.map((p) => `problem: ${p.kind}: ${p.message}`),
    ...r.notes.map((n) => `note: ${n}`),
  ];
  if (r.backups.length) lines.push(`note: copies from before schema upgrades: ${r.backups.join(', ')}`);
  const n = r.problems.length;
  if (n === 0)
    lines.push(
      repair && r.repaired.length
        ? `${r.project}: repaired; no problems left`
        : `${r.project}: no problems found`,
    );
  else if (repair)
    lines.push(`${r.project}: ${n} problem${n > 1 ? 's' : ''} could not be repaired (see above)`);
  else
    lines.push(
      `${r.project}: ${n} problem${n > 1 ? 's' : ''}; 'ridge doctor ${r.project} --repair' repairs them`,
    );
  return lines.join('\n');
}

/** `ridge doctor <dir> [--repair] [--json]`: exit 0 when the project is sound (or was repaired), 1 when not. */
export function doctorCommand(argv: string[], io: CliIo): number {
  const { values, positionals } = parseCommandArgs('doctor', argv, { repair: { type: 'boolean' } });
  const dir = path.resolve(io.cwd, requirePositional('doctor', positionals, 0, 'dir'));
  const repair = Boolean(values.repair);
  const report = repair ? repairProject(dir) : diagnoseProject(dir);
  emit(io, Boolean(values.json), report, () => describeReport(report, repair));
  return report.problems.length === 0 ? 0 : 1;
}
