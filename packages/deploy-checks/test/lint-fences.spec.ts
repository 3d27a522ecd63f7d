import { ESLint, type Linter } from 'eslint';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const WEB = path.join(ROOT, 'apps/web');

/** The workspace's fences, and the web app's config (whose fences apply under apps/web). */
const { fences } = (await import(pathToFileURL(path.join(ROOT, 'eslint.config.mjs')).href)) as {
  fences: Linter.Config[];
};
const { default: web } = (await import(
  pathToFileURL(path.join(WEB, 'eslint.config.mjs')).href
)) as {
  default: Linter.Config[];
};
const webFences = web.filter((c) => c.rules?.['no-restricted-imports'] !== undefined);

/** The fences alone, on TypeScript's parser without type information: fast, and exact. */
const linter = (cwd: string, config: Linter.Config[]) =>
  new ESLint({
    cwd,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
      ...config,
    ],
  });

/** The no-restricted-imports messages for `source` placed at `file` (relative to the root). */
async function fenceErrors(file: string, source: string): Promise<string[]> {
  const eslint = file.startsWith('apps/web/') ? linter(WEB, webFences) : linter(ROOT, fences);
  const [result] = await eslint.lintText(source, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

describe('import fences', () => {
  it.each([
    ['an app importing another app', 'apps/sink/src/fixture.ts', "import '@chat/gateway/config';"],
    [
      'the gateway importing the sink',
      'apps/gateway/src/fixture.ts',
      "import '@chat/sink/config';",
    ],
    [
      'a deep import into an app’s files',
      'packages/deploy-checks/test/fixture.ts',
      "import { loadConfig } from '@chat/gateway/src/config/config.js';",
    ],
    [
      'a relative import into another package',
      'packages/local-cluster/src/fixture.ts',
      "import '../../../apps/gateway/src/main.js';",
    ],
    ['a tool importing an app', 'packages/bench/src/fixture.ts', "import '@chat/gateway/config';"],
    [
      'test-support importing an app',
      'packages/test-support/src/fixture.ts',
      "import '@chat/sink/config';",
    ],
    ['core importing adapters', 'packages/core/src/fixture.ts', "import '@chat/adapters';"],
    [
      'core importing test-support',
      'packages/core/src/fixture.ts',
      "import '@chat/test-support/poll';",
    ],
    [
      'a conformance suite importing the test client',
      'packages/core/src/conformance/fixture.ts',
      "import '@chat/test-support';",
    ],
    [
      'a conformance suite importing adapters',
      'packages/core/src/conformance/fixture.ts',
      "import '@chat/adapters';",
    ],
    ['contracts importing node', 'packages/contracts/src/fixture.ts', "import 'node:fs';"],
    ['the web app importing core', 'apps/web/src/fixture.ts', "import '@chat/core';"],
    [
      'the browser suite importing the gateway',
      'apps/web/e2e/fixture.ts',
      "import '@chat/gateway/config';",
    ],
  ])('refuses %s', async (_, file, source) => {
    expect(await fenceErrors(file, source)).toHaveLength(1);
  });

  it.each([
    [
      'deploy-checks reading a declared export',
      'packages/deploy-checks/test/fixture.ts',
      "import '@chat/gateway/config';",
    ],
    ['the gateway importing core', 'apps/gateway/src/fixture.ts', "import '@chat/core';"],
    [
      'a conformance suite polling with test-support',
      'packages/core/src/conformance/fixture.ts',
      "import '@chat/test-support/poll';",
    ],
    [
      'the local cluster importing test-support',
      'packages/local-cluster/src/fixture.ts',
      "import '@chat/test-support';",
    ],
    [
      'the browser suite importing the local cluster',
      'apps/web/e2e/fixture.ts',
      "import '@chat/local-cluster';",
    ],
  ])('allows %s', async (_, file, source) => {
    expect(await fenceErrors(file, source)).toEqual([]);
  });
});
