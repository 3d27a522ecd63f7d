import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';

/**
 * Writes `text` to `file` as the repository's prettier would format it (`prettier --check .`
 * sees generated reports and raw results too), creating the folder.
 */
export async function writeFormatted(
  file: string,
  text: string,
  parser: 'json' | 'markdown',
): Promise<void> {
  const options = parser === 'markdown' ? ((await resolveConfig(file)) ?? {}) : {};
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, await format(text, { ...options, parser }));
}
