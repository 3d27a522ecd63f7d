import { describe, expect, it } from 'vitest';
import {
  interpolate,
  MissingVariableError,
  referencedVariables,
  requiredVariables,
} from './interpolate.js';

const env = new Map([
  ['SET', 'value'],
  ['EMPTY', ''],
]);

describe(interpolate.name, () => {
  it('substitutes braced and bare variables, and $$ as a literal dollar', () => {
    expect(interpolate('${SET}-$SET-$$SET-${UNSET}', env)).toBe('value-value-$SET-');
  });

  it('applies :- to unset and empty variables, - to unset ones only', () => {
    expect(interpolate('${UNSET:-a} ${EMPTY:-b} ${EMPTY-c} ${UNSET-d}', env)).toBe('a b  d');
  });

  it('throws for :? when the variable is unset or empty, and ? only when unset', () => {
    expect(() => interpolate('${EMPTY:?needed}', env)).toThrow(MissingVariableError);
    expect(() => interpolate('${UNSET?needed}', env)).toThrow('UNSET: needed');
    expect(interpolate('${EMPTY?needed}${SET:?x}', env)).toBe('value');
  });

  it('lists referenced and required variables', () => {
    const text = 'a ${A:-1} $B ${C:?x} $$D ${E?y}';
    expect(referencedVariables(text)).toEqual(['A', 'B', 'C', 'E']);
    expect(requiredVariables(text)).toEqual(['C', 'E']);
  });
});
