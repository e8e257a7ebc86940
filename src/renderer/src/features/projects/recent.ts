import type { ProjectInfo } from '../../../../shared/domain/types';

const KEY = 'ridge.recent';

/** A project opened before, for the home page's recent list (Electron also keeps its own in the menu). */
export interface RecentProject {
  name: string;
  dir: string;
  at: string;
}

/** Recent projects, newest first. */
export function recentProjects(): RecentProject[] {
  try {
    return (JSON.parse(localStorage.getItem(KEY) ?? '[]') as RecentProject[]).slice(0, 10);
  } catch {
    return [];
  }
}

/** Put a project at the top of the recent list. */
export function rememberProject(i: ProjectInfo): void {
  const rest = recentProjects().filter((r) => r.dir !== i.dir);
  localStorage.setItem(
    KEY,
    JSON.stringify([{ name: i.name, dir: i.dir, at: new Date().toISOString() }, ...rest].slice(0, 10)),
  );
}
