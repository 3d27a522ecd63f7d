import { describe, expect, it } from 'vitest';
import { ConfigError, loadSinkConfig } from './config.js';

const base = {
  REDIS_URL: 'redis://127.0.0.1:6390',
  DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
  SEARCH_SQLITE_PATH: '/tmp/search.db',
};

describe(loadSinkConfig.name, () => {
  it('runs both sinks by default and dedupes a list', () => {
    expect(loadSinkConfig(base).sinks).toEqual(['store', 'search']);
    expect(loadSinkConfig({ ...base, SINKS: 'search, search' }).sinks).toEqual(['search']);
  });

  it('lists every problem at once', () => {
    const attempt = () =>
      loadSinkConfig({ SINKS: 'store,archive', REDIS_URL: 'localhost', HEALTH_PORT: '-1' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const text = (error as ConfigError).problems.join('\n');
      for (const name of [
        'SINKS',
        'REDIS_URL',
        'HEALTH_PORT',
        'DYNAMODB_ENDPOINT or AWS_REGION',
        'ELASTICSEARCH_URL or SEARCH_SQLITE_PATH',
      ]) {
        expect(text).toContain(name);
      }
    }
  });
});
