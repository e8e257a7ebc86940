import path from 'node:path';
import { Project } from '../../src/main/services/project/project';
import { fillSampleProject } from '../../src/main/services/sample/fill-project';
import { makeTmpDir } from './tmp';

/** A sample-filled project at <fresh temp folder>/p: the run and queue tests each start from one. */
export async function makeSampleProject(
  seed: number,
  count = 20,
): Promise<{ tmp: ReturnType<typeof makeTmpDir>; dir: string; p: Project }> {
  const tmp = makeTmpDir();
  const dir = path.join(tmp.dir, 'p');
  const p = Project.init(dir);
  await fillSampleProject(p, { count, seed });
  return { tmp, dir, p };
}
