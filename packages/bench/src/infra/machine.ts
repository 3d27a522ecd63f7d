import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, release, totalmem } from 'node:os';
import { REPO_ROOT } from './servers.js';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  kernel: string;
  redis: string;
  nginx: string;
}

/** The machine a run measured on, and the versions of the servers it started. */
export function machine(): Machine {
  const version = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
        .trim()
        .split('\n')[0];
    } catch {
      return undefined;
    }
  };
  // nginx prints its version on stderr.
  const nginx = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
  const nginxVersion = `${nginx.stdout ?? ''}${nginx.stderr ?? ''}`.trim();
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
    kernel: release(),
    redis: version('redis-server', ['--version']) ?? 'unknown',
    nginx: nginxVersion || 'nginx: unknown version',
  };
}

/** `git <args>` in the repository, trimmed; empty if git fails. */
export function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}
