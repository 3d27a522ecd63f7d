import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** The programs the local cluster runs or calls, and the Debian package of each. */
export const REQUIRED_PROGRAMS: ReadonlyMap<string, string> = new Map([
  ['redis-server', 'redis-server'],
  ['redis-cli', 'redis-tools'],
  ['nginx', 'nginx'],
  ...(process.platform === 'linux' ? [['setpriv', 'util-linux'] as const] : []),
]);

/** The first executable `name` on `searchPath` (a PATH value), or undefined. */
export function findOnPath(
  name: string,
  searchPath = process.env['PATH'] ?? '',
): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder: try the next one.
    }
  }
  return undefined;
}

/** Thrown before anything starts when a required program is missing; its message is one line. */
export class MissingProgramsError extends Error {
  constructor(readonly missing: string[]) {
    const packages = [...new Set(missing.map((name) => REQUIRED_PROGRAMS.get(name) ?? name))];
    super(
      `missing ${missing.join(', ')} on PATH: install with \`sudo apt-get install ${packages.join(' ')}\`` +
        ' (Debian puts nginx in /usr/sbin; that folder must be on PATH)',
    );
    this.name = 'MissingProgramsError';
  }
}

/** Fails, naming every missing program and its package at once, unless all are on PATH. */
export function assertRequiredPrograms(searchPath = process.env['PATH'] ?? ''): void {
  const missing = [...REQUIRED_PROGRAMS.keys()].filter((name) => !findOnPath(name, searchPath));
  if (missing.length > 0) throw new MissingProgramsError(missing);
}
