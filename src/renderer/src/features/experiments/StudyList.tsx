import type { StudySummaryView } from '../../../../shared/api/runs-contract';

/** "2026-12-02 05:53" from an ISO time (the list's created column). */
function when(iso: string): string {
  return iso.replace('T', ' ').slice(0, 16);
}

/**
 * The project's studies (studies.list): name, status, arms × seeds, progress and when each was made; a click
 * selects one for the study panel.
 */
export function StudyList({
  studies,
  selected,
  onSelect,
}: {
  studies: StudySummaryView[];
  selected: string | null;
  onSelect(studyId: string | null): void;
}) {
  if (studies.length === 0)
    return (
      <p className="hint" data-testid="no-studies">
        No studies yet. Start one in Train with the “Compare regularization” preset (or{' '}
        <code>ridge compare</code>).
      </p>
    );
  return (
    <div className="table-scroll">
      <table className="runs studies" data-testid="study-list">
        <thead>
          <tr>
            <th>study</th>
            <th>status</th>
            <th>arms × seeds</th>
            <th>progress</th>
            <th>created</th>
          </tr>
        </thead>
        <tbody>
          {studies.map((s) => (
            <tr
              key={s.id}
              className={s.id === selected ? 'on' : ''}
              data-study={s.id}
              onClick={() => onSelect(s.id === selected ? null : s.id)}
            >
              <td className="name">
                <button className="study-name" aria-pressed={s.id === selected}>
                  {s.name}
                </button>
              </td>
              <td className={`status ${s.status}`} data-col="status">
                {s.status}
              </td>
              <td>
                {s.arms.length} × {s.seeds}
              </td>
              <td data-col="progress">
                {s.progress.done}/{s.progress.total} done
                {s.progress.ended > s.progress.done ? `, ${s.progress.ended - s.progress.done} not` : ''}
              </td>
              <td>{when(s.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
