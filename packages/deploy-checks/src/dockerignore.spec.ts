import { describe, expect, it } from 'vitest';
import { isIgnored, parseDockerignore } from './dockerignore.js';

describe(isIgnored.name, () => {
  const rules = parseDockerignore(
    ['# comment', '**/node_modules', 'data', '**/*.spec.ts', '*.md', '!README.md', 'docs/**'].join(
      '\n',
    ),
  );

  it('ignores a folder pattern at any depth with **/, and everything under it', () => {
    expect(isIgnored(rules, 'node_modules/x/index.js')).toBe(true);
    expect(isIgnored(rules, 'apps/gateway/node_modules/x/index.js')).toBe(true);
    expect(isIgnored(rules, 'apps/gateway/src/main.ts')).toBe(false);
  });

  it('anchors patterns without **/ at the context root', () => {
    expect(isIgnored(rules, 'data/chat.db')).toBe(true);
    expect(isIgnored(rules, 'apps/data/x')).toBe(false);
    expect(isIgnored(rules, 'CHANGES.md')).toBe(true);
    expect(isIgnored(rules, 'apps/web/README.md')).toBe(false);
  });

  it('lets the last matching rule win, so ! re-includes', () => {
    expect(isIgnored(rules, 'README.md')).toBe(false);
    expect(isIgnored(rules, 'docs/adr/0001.md')).toBe(true);
  });

  it('matches * within one segment only', () => {
    expect(isIgnored(rules, 'packages/core/src/a.spec.ts')).toBe(true);
    expect(isIgnored(parseDockerignore('*.ts'), 'src/a.ts')).toBe(false);
  });
});
