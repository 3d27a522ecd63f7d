// The production build (`pnpm --filter @chat/gateway build`): the gateway and the workspace packages it imports, compiled from
// TypeScript into one ES module (dist/main.js), so the image runs plain JavaScript instead of
// compiling through tsx at start-up. Third-party packages stay imports, installed beside it by
// `pnpm deploy --prod` (native modules included); each must therefore be a dependency of the
// gateway itself, which the build checks. `pnpm start` and the tests run the same sources
// through tsx.
import { readFileSync } from 'node:fs';
import { build, type Plugin } from 'esbuild';

/** Packages loaded at run time by a name esbuild cannot see (`createRequire`). */
const LOADED_AT_RUN_TIME = ['better-sqlite3'];

const packageName = (specifier: string): string =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** Bare specifiers stay imports, but our workspace packages (and esbuild's own `<runtime>`). */
function externalDependencies(): Plugin {
  return {
    name: 'external-dependencies',
    setup(builder) {
      builder.onResolve({ filter: /^[^./<]/ }, (args) =>
        args.path.startsWith('@chat/') || args.path.startsWith('node:')
          ? undefined
          : { path: args.path, external: true },
      );
    },
  };
}

const result = await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/main.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  plugins: [externalDependencies()],
});

const { dependencies } = JSON.parse(readFileSync('package.json', 'utf8')) as {
  dependencies: Record<string, string>;
};
const imported = new Set(LOADED_AT_RUN_TIME);
for (const input of Object.values(result.metafile.inputs)) {
  for (const { path, external } of input.imports) {
    if (external && !path.startsWith('node:') && !path.startsWith('<')) {
      imported.add(packageName(path));
    }
  }
}
const undeclared = [...imported].filter((name) => !(name in dependencies)).sort();
if (undeclared.length > 0) {
  console.error(
    `dist/main.js imports packages the gateway does not depend on: ${undeclared.join(', ')}`,
  );
  process.exit(1);
}
