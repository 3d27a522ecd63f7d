import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadRuntimeConfig } from './runtime-config';

const serve = (body: string, type: string, status = 200) =>
  vi.stubGlobal(
    'fetch',
    vi.fn(() => Promise.resolve(new Response(body, { status, headers: { 'content-type': type } }))),
  );

describe('loadRuntimeConfig', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    delete window.__CHAT_CONFIG__;
  });

  it('uses the page origin when nothing overrides it', async () => {
    serve('<!doctype html><title>SPA fallback</title>', 'text/html');

    expect(await loadRuntimeConfig()).toEqual({ gatewayUrl: window.location.origin });
  });

  it('reads /config.json at run time', async () => {
    serve(
      JSON.stringify({ gatewayUrl: 'https://chat.example.com/ignored/path' }),
      'application/json',
    );

    expect(await loadRuntimeConfig()).toEqual({ gatewayUrl: 'https://chat.example.com' });
    expect(fetch).toHaveBeenCalledWith('/config.json', { cache: 'no-store' });
  });

  it('prefers window.__CHAT_CONFIG__ and ignores non-http URLs', async () => {
    serve('{}', 'application/json');
    window.__CHAT_CONFIG__ = { gatewayUrl: 'http://10.0.0.5:3000' };
    expect(await loadRuntimeConfig()).toEqual({ gatewayUrl: 'http://10.0.0.5:3000' });

    window.__CHAT_CONFIG__ = { gatewayUrl: 'javascript:alert(1)' };
    expect(await loadRuntimeConfig()).toEqual({ gatewayUrl: window.location.origin });
  });
});
