import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The app's TypeScript modules as text, keyed by their path relative to `src/` (`stores/x.ts`).
 * Vite reads them, so the test needs no file-system access.
 */
const sources = Object.fromEntries(
  Object.entries(
    import.meta.glob<string>(['/src/**/*.ts', '!/src/**/*.spec.ts'], {
      query: '?raw',
      import: 'default',
      eager: true,
    }),
  ).map(([path, text]) => [path.replace(/^\/src\//, ''), text]),
);

const dirOf = (path: string): string => path.split('/').slice(0, -1).join('/');

/** `from` importing `specifier`, resolved to a key of `sources`; packages resolve to nothing. */
function resolve(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const parts = dirOf(from).split('/').filter(Boolean);
  for (const part of specifier.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.') parts.push(part);
  }
  const base = parts.join('/');
  return [base, `${base}.ts`, `${base}/index.ts`].find((candidate) => candidate in sources);
}

/** Every module each module imports (type-only imports included), by TypeScript's own scanner. */
const graph = new Map(
  Object.entries(sources).map(([path, text]) => [
    path,
    ts
      .preProcessFile(text, true, true)
      .importedFiles.map((f) => resolve(path, f.fileName))
      .filter((target): target is string => target !== undefined),
  ]),
);

/** Each import cycle reachable from `roots`, as the chain of modules that closes it. */
function cyclesFrom(roots: readonly string[]): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const visit = (path: string, chain: string[]): void => {
    const at = chain.indexOf(path);
    if (at >= 0) {
      cycles.push([...chain.slice(at), path]);
      return;
    }
    if (done.has(path)) return;
    for (const next of graph.get(path) ?? []) visit(next, [...chain, path]);
    done.add(path);
  };
  roots.forEach((root) => visit(root, []));
  return cycles;
}

describe('the import graph of the stores', () => {
  const stores = [...graph.keys()].filter((path) => path.startsWith('stores/'));

  it('sees the stores and what they import', () => {
    expect(stores).toContain('stores/connection.store.ts');
    expect(graph.get('stores/messages.store.ts')).toContain('stores/connection.store.ts');
  });

  it('has no cycle: a store depends on the transport, never the reverse', () => {
    expect(cyclesFrom(stores).map((chain) => chain.join(' → '))).toEqual([]);
  });
});
