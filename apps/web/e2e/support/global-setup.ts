import { build } from 'vite';
import { WEB_ROOT } from './gateway';

/**
 * The end-to-end tests run against the production build, so build it first (skip with
 * E2E_SKIP_BUILD=1 when dist/ is known to be current).
 */
export default async function setup(): Promise<void> {
  if (process.env.E2E_SKIP_BUILD === '1') return;
  await build({ root: WEB_ROOT, logLevel: 'warn' });
}
