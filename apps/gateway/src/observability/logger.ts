import { pino, type Logger } from 'pino';
import type { AppConfig } from '../config/config.js';

export const LOGGER = Symbol('LOGGER');
export type { Logger };

export const createLogger = (config: Pick<AppConfig, 'logLevel'>): Logger =>
  pino({ level: config.logLevel, base: { service: 'gateway' } });
