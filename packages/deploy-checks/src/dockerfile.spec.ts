import { describe, expect, it } from 'vitest';
import { effective, execForm, lineage, parseDockerfile } from './dockerfile.js';

const text = `# syntax comment
ARG BASE=node:20
FROM \${BASE} AS base
USER root
FROM base AS app
RUN echo one \\
  && echo two
USER node
CMD ["node", "main.js"]
FROM nginx AS web
HEALTHCHECK --interval=5s CMD ["wget", "-q", "http://x"]
`;

describe(parseDockerfile.name, () => {
  const dockerfile = parseDockerfile(text);

  it('reads global ARGs and named stages with their instructions', () => {
    expect(dockerfile.globalArgs.get('BASE')).toBe('node:20');
    expect(dockerfile.stages.map((s) => [s.name, s.from])).toEqual([
      ['base', '${BASE}'],
      ['app', 'base'],
      ['web', 'nginx'],
    ]);
    expect(dockerfile.stages[1]?.instructions[0]).toEqual({
      keyword: 'RUN',
      args: 'echo one  && echo two',
    });
  });

  it('follows FROM through earlier stages for the effective value', () => {
    expect(lineage(dockerfile, 'app').map((s) => s.name)).toEqual(['base', 'app']);
    expect(effective(dockerfile, 'app', 'USER')).toBe('node');
    expect(effective(dockerfile, 'base', 'USER')).toBe('root');
    expect(effective(dockerfile, 'web', 'USER')).toBeUndefined();
  });

  it('parses the exec form of CMD and HEALTHCHECK', () => {
    expect(execForm(effective(dockerfile, 'app', 'CMD') ?? '')).toEqual(['node', 'main.js']);
    expect(execForm(effective(dockerfile, 'web', 'HEALTHCHECK') ?? '')).toEqual([
      'wget',
      '-q',
      'http://x',
    ]);
    expect(execForm('node main.js')).toBeUndefined();
  });
});
