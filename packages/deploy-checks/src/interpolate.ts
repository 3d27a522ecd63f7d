/** Thrown for `${VAR:?message}` / `${VAR?message}` when the variable is missing. */
export class MissingVariableError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message || 'required variable is missing'}`);
    this.name = 'MissingVariableError';
  }
}

const PATTERN =
  /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * Compose-file interpolation (the Compose Specification's rules): `$$` is a literal `$`;
 * `${VAR}` / `$VAR`; `${VAR:-default}` (unset or empty) and `${VAR-default}` (unset);
 * `${VAR:?message}` and `${VAR?message}` fail when missing. Nested defaults are not supported.
 */
export function interpolate(text: string, env: ReadonlyMap<string, string>): string {
  return text.replace(
    PATTERN,
    (
      whole,
      braced: string | undefined,
      op: string | undefined,
      arg: string | undefined,
      bare: string | undefined,
    ) => {
      if (whole === '$$') return '$';
      const name = braced ?? bare ?? '';
      const value = env.get(name);
      const empty = value === undefined || value === '';
      switch (op as ':-' | '-' | ':?' | '?' | undefined) {
        case ':-':
          return empty ? (arg ?? '') : value;
        case '-':
          return value ?? arg ?? '';
        case ':?':
          if (empty) throw new MissingVariableError(name, arg ?? '');
          return value;
        case '?':
          if (value === undefined) throw new MissingVariableError(name, arg ?? '');
          return value;
        case undefined:
          return value ?? '';
      }
    },
  );
}

/** Names of every variable a text interpolates, in order of first use. */
export function referencedVariables(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(PATTERN)) {
    const name = match[1] ?? match[4];
    if (name !== undefined) names.add(name);
  }
  return [...names];
}

/** The variables a text requires with `${VAR:?…}` or `${VAR?…}`. */
export function requiredVariables(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(PATTERN)) {
    if (match[1] !== undefined && (match[2] === ':?' || match[2] === '?')) names.add(match[1]);
  }
  return [...names];
}
