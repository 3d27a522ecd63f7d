/**
 * Where the gateway lives, decided at run time so one build serves every deployment: the page's
 * own origin by default; `window.__CHAT_CONFIG__.gatewayUrl` or `/config.json` (served next to
 * `index.html`) may point elsewhere, e.g. `{ "gatewayUrl": "https://chat.example.com" }`.
 */
export interface RuntimeConfig {
  /** Origin of the gateway (scheme, host, port), without a trailing slash. */
  gatewayUrl: string;
}

let current: RuntimeConfig | undefined;

const originOf = (value: unknown): string | undefined => {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  try {
    const url = new URL(value, window.location.href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
};

const readConfigFile = async (): Promise<unknown> => {
  try {
    const res = await fetch('/config.json', { cache: 'no-store' });
    const type = res.headers.get('content-type') ?? '';
    // An SPA fallback answers unknown paths with index.html: only real JSON counts.
    if (!res.ok || !type.includes('json')) return undefined;
    const body = (await res.json()) as { gatewayUrl?: unknown };
    return body.gatewayUrl;
  } catch {
    return undefined;
  }
};

export const loadRuntimeConfig = async (): Promise<RuntimeConfig> => {
  const fromWindow = originOf(window.__CHAT_CONFIG__?.gatewayUrl);
  const gatewayUrl = fromWindow ?? originOf(await readConfigFile()) ?? window.location.origin;
  current = Object.freeze({ gatewayUrl });
  return current;
};

export const getRuntimeConfig = (): RuntimeConfig =>
  current ?? Object.freeze({ gatewayUrl: window.location.origin });
