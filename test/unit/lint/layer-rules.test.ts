import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/paths';

// The layer rules of ARCHITECTURE.md are enforced by ESLint; these cases prove each rule fires.
const eslint = new ESLint({ cwd: REPO_ROOT });

async function ruleIds(file: string, code: string): Promise<string[]> {
  const [res] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, file) });
  return (res?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('ESLint layer rules', () => {
  it.each([
    ['src/shared/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n"],
    [
      'src/shared/y.ts',
      "import { Project } from '../main/services/project/project';\nexport const a = Project;\n",
    ],
    ['src/main/services/z.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['src/main/services/w.ts', "import { runCli } from '../cli/main';\nexport const a = runCli;\n"],
    ['src/renderer/src/v.ts', "import Database from 'better-sqlite3';\nexport const a = Database;\n"],
    [
      'src/main/trainer/t.ts',
      "import { Project } from '../services/project/project';\nexport const a = Project;\n",
    ],
    [
      'src/main/trainer/model/t.ts',
      "import { RunQueue } from '../../services/runs/queue';\nexport const a = RunQueue;\n",
    ],
    [
      'src/main/cli/commands/s.ts',
      "import { startStudioServer } from '../../server/server';\nexport const a = startStudioServer;\n",
    ],
    [
      'src/main/cli/c.ts',
      "import { TabSessions } from '../server/sessions';\nexport const a = TabSessions;\n",
    ],
    ['src/main/server/s.ts', "import { runCli } from '../cli/main';\nexport const a = runCli;\n"],
    [
      'src/renderer/src/u.ts',
      "import { Project } from '../../main/services/project/project';\nexport const a = Project;\n",
    ],
  ])('%s: a forbidden import is an error', async (file, code) => {
    expect(await ruleIds(file, code)).toContain('no-restricted-imports');
  });

  it('allowed imports pass: services import shared; electron/ imports electron; the CLI starts the serve door', async () => {
    expect(
      await ruleIds(
        'src/main/cli/commands/ok.ts',
        "import { openServeDoor } from '../../server/door';\nexport const a = openServeDoor;\n",
      ),
    ).toEqual([]);
    expect(
      await ruleIds(
        'src/main/trainer/ok.ts',
        "import { iou } from '../../shared/geometry';\nexport const a = iou;\n",
      ),
    ).toEqual([]);
    expect(
      await ruleIds(
        'src/main/services/ok.ts',
        "import { iou } from '../../shared/geometry';\nexport const a = iou;\n",
      ),
    ).toEqual([]);
    expect(
      await ruleIds('src/main/electron/ok.ts', "import { app } from 'electron';\nexport const a = app;\n"),
    ).toEqual([]);
  });

  it('default exports are refused outside config files', async () => {
    expect(await ruleIds('src/main/services/d.ts', 'export default 1;\n')).toContain('no-restricted-syntax');
  });
});
