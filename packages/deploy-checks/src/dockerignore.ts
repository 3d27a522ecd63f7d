import { readdirSync } from 'node:fs';
import path from 'node:path';

/** One `.dockerignore` line: a pattern, or a `!` exception that re-includes. */
export interface IgnoreRule {
  pattern: string;
  negate: boolean;
  regex: RegExp;
}

/** Docker's pattern syntax: `*` and `?` within one path segment, `**` across segments. */
function toRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern.charAt(i);
    if (ch === '*' && pattern[i + 1] === '*') {
      // `**/` matches zero or more directories; a trailing `**` matches everything below.
      if (pattern[i + 2] === '/') {
        source += '(?:.*/)?';
        i += 2;
      } else {
        source += '.*';
        i += 1;
      }
    } else if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Parses a `.dockerignore` file (comments and blank lines skipped, paths cleaned). */
export function parseDockerignore(text: string): IgnoreRule[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negate = line.startsWith('!');
      const pattern = path.posix
        .normalize(line.slice(negate ? 1 : 0).trim())
        .replace(/^\/+|\/+$/g, '');
      return { pattern, negate, regex: toRegex(pattern) };
    });
}

/**
 * Whether the build context leaves out `relative` (a `/`-separated path inside the context).
 * As Docker does: a rule matching the path or any folder above it applies, and the last
 * applicable rule wins.
 */
export function isIgnored(rules: readonly IgnoreRule[], relative: string): boolean {
  const segments = relative.split('/').filter(Boolean);
  const candidates = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const rule of rules) {
    if (candidates.some((candidate) => rule.regex.test(candidate))) ignored = !rule.negate;
  }
  return ignored;
}

/**
 * Every file the build context of `root` would contain, as `/`-separated relative paths.
 * Ignored folders are not entered unless an exception rule could re-include something in them.
 */
export function contextFiles(root: string, rules: readonly IgnoreRule[]): string[] {
  const files: string[] = [];
  const exceptions = rules.filter((rule) => rule.negate).map((rule) => rule.pattern);
  const couldReinclude = (dir: string) =>
    exceptions.some((p) => p.startsWith('**') || p.startsWith(`${dir}/`));
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (isIgnored(rules, relative) && !couldReinclude(relative)) continue;
        walk(relative);
      } else if (!isIgnored(rules, relative)) {
        files.push(relative);
      }
    }
  };
  walk('');
  return files;
}
