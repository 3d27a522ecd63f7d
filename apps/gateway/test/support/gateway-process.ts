export { freePort } from '@chat/local-cluster';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pollUntil } from '@chat/test-support';

const GATEWAY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
}

/** Runs `src/main.ts` as its own process, as `pnpm start` does. */
export function runGateway(env: Record<string, string>): GatewayProcess {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: GATEWAY_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // Whatever happens to the test (a timeout abandons it), the process goes with the worker.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      process.off('exit', killOnExit);
      resolve(code ?? signal ?? 'unknown');
    }),
  );
  return { url: `http://127.0.0.1:${env['PORT'] ?? '3000'}`, child, output: () => output, exited };
}

/**
 * Starts the gateway process and waits until `/ready` answers 200. The budget is generous: a
 * cold start compiles the TypeScript sources, and the machine may be busy with other suites.
 */
export async function startGateway(env: Record<string, string>): Promise<GatewayProcess> {
  const gateway = runGateway({ HOST: '127.0.0.1', ...env });
  try {
    await pollUntil(
      async () => {
        if (gateway.child.exitCode !== null) throw new Error(`gateway exited: ${gateway.output()}`);
        return fetch(`${gateway.url}/ready`).then(
          (r) => r.status,
          () => 0,
        );
      },
      (status) => status === 200,
      { timeoutMs: 90_000, what: 'the gateway to be ready' },
    );
  } catch (error) {
    // Never leave a process behind when the test gives up on it.
    gateway.child.kill('SIGKILL');
    throw error;
  }
  return gateway;
}
