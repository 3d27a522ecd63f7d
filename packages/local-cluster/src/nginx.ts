import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { ManagedProcess, waitFor, answers } from './managed-process.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const NGINX_TEMPLATE = path.join(REPO_ROOT, 'infra/nginx/nginx.conf.template');

export interface NginxValues {
  listen: string;
  upstreams: string[];
  webRoot: string;
  runtimeDir: string;
  mimeTypes?: string;
}

/** Fills the one NGINX template (the same file docker compose uses) with local addresses. */
export function renderNginxConfig(values: NginxValues): string {
  const vars: Record<string, string> = {
    LISTEN: values.listen,
    UPSTREAM_SERVERS: values.upstreams.map((u) => `server ${u};`).join('\n    '),
    WEB_ROOT: values.webRoot,
    RUNTIME_DIR: values.runtimeDir,
    MIME_TYPES: values.mimeTypes ?? '/etc/nginx/mime.types',
  };
  return readFileSync(NGINX_TEMPLATE, 'utf8').replace(/\$\{([A-Z_]+)\}/g, (whole, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`unknown placeholder ${whole} in ${NGINX_TEMPLATE}`);
    return value;
  });
}

/** Writes the config into `runtimeDir` and returns its path. */
export function writeNginxConfig(values: NginxValues): string {
  for (const dir of ['', 'client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
    mkdirSync(path.join(values.runtimeDir, dir), { recursive: true });
  }
  const file = path.join(values.runtimeDir, 'nginx.conf');
  writeFileSync(file, renderNginxConfig(values));
  return file;
}

/** `nginx -t` on a config file; throws with nginx's own message on failure. */
export function testNginxConfig(file: string): string {
  return execFileSync(
    'nginx',
    ['-t', '-c', file, '-e', path.join(path.dirname(file), 'error.log')],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

/** Runs nginx in the foreground (stopped by PID) and waits until it answers. */
export async function startNginx(values: NginxValues): Promise<ManagedProcess> {
  const file = writeNginxConfig(values);
  const nginx = ManagedProcess.start('nginx', 'nginx', [
    '-c',
    file,
    '-e',
    path.join(values.runtimeDir, 'error.log'),
    '-g',
    'daemon off;',
  ]);
  await waitFor(
    async () => {
      nginx.assertRunning();
      return answers(`http://${values.listen}/nginx-health`)();
    },
    { what: 'nginx' },
  );
  return nginx;
}
