import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, for processes started from their source. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The entry points of the processes that tests, benchmarks and the local cluster start, declared
 * here once: they are run as processes (`node --import tsx <main>`), never imported.
 */
export const GATEWAY_MAIN = path.join(REPO_ROOT, 'apps/gateway/src/main.ts');
export const SINK_MAIN = path.join(REPO_ROOT, 'apps/sink/src/main.ts');
