/**
 * A dotenv file as docker compose reads `.env`: `KEY=value` lines, `#` comments, optional
 * surrounding quotes. Keys keep their order; a repeated key keeps its last value.
 */
export function parseEnvFile(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) throw new Error(`not a KEY=value line: ${raw}`);
    const [, key = '', rawValue = ''] = match;
    const value = rawValue.trim();
    const quoted = /^(['"])(.*)\1$/.exec(value);
    vars.set(key, quoted ? (quoted[2] ?? '') : value);
  }
  return vars;
}
