import { migration001 } from './001-initial';
import { migration002 } from './002-runs';
import { migration003 } from './003-image-removal';
import { migration004 } from './004-run-owner-interrupted';
import type { Migration } from './types';

/** Every migration in order; the last one's version is the schema this build writes. */
export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004];

/** The schema version this build of Ridge Studio reads and writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
