import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The repository root (this file is packages/deploy-checks/src/repo.ts). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** An absolute path from a repository-relative one. */
export const repoPath = (...segments: string[]): string => path.join(REPO_ROOT, ...segments);

export const readRepoFile = (relative: string): string => readFileSync(repoPath(relative), 'utf8');

/** Parses a repository YAML file; the caller narrows the result. */
export const readRepoYaml = (relative: string): unknown => parse(readRepoFile(relative));

/** A plain object, for narrowing parsed YAML and JSON. */
export type Dict = Record<string, unknown>;

export const isDict = (value: unknown): value is Dict =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function asDict(value: unknown, what: string): Dict {
  if (!isDict(value)) throw new Error(`${what} is not a mapping`);
  return value;
}

export function asArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${what} is not a list`);
  return value as unknown[];
}

export function asString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new Error(`${what} is not a string`);
  return value;
}

export function stringList(value: unknown, what: string): string[] {
  return asArray(value, what).map((item, i) => asString(item, `${what}[${i}]`));
}
