import 'reflect-metadata';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoPath } from './repo.js';

/** One HTTP route of the gateway, as Nest maps it. */
export interface GatewayRoute {
  method: string;
  /** With a leading slash and `:params`, e.g. `/chat/rooms/:roomId/messages`. */
  path: string;
  controller: string;
}

const GATEWAY_SRC = repoPath('apps/gateway/src');

/** Every `*.controller.ts` under apps/gateway/src (relative paths). */
export function controllerFiles(): string[] {
  return readdirSync(GATEWAY_SRC, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.controller.ts'))
    .sort();
}

const join = (...parts: string[]): string =>
  `/${parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/')}`;

const paths = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : [typeof value === 'string' ? value : '/'];

type Constructor = abstract new (...args: never[]) => unknown;

/**
 * The gateway's HTTP routes, read from Nest's own route metadata on every controller class in
 * apps/gateway/src — the paths the app really serves, not a copy of them.
 */
export async function gatewayRoutes(): Promise<GatewayRoute[]> {
  const routes: GatewayRoute[] = [];
  for (const file of controllerFiles()) {
    const module = (await import(pathToFileURL(path.join(GATEWAY_SRC, file)).href)) as Record<
      string,
      unknown
    >;
    for (const exported of Object.values(module)) {
      if (typeof exported !== 'function') continue;
      const controller = exported as Constructor;
      const base: unknown = Reflect.getMetadata(PATH_METADATA, controller);
      if (base === undefined) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const key of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[key];
        if (key === 'constructor' || typeof handler !== 'function') continue;
        const routePath: unknown = Reflect.getMetadata(PATH_METADATA, handler);
        const method: unknown = Reflect.getMetadata(METHOD_METADATA, handler);
        if (routePath === undefined || typeof method !== 'number') continue;
        for (const prefix of paths(base)) {
          for (const suffix of paths(routePath)) {
            routes.push({
              method: RequestMethod[method] ?? String(method),
              path: join(prefix, suffix),
              controller: controller.name,
            });
          }
        }
      }
    }
  }
  return routes;
}

/** A concrete request path for a route pattern (`:params` filled with a sample value). */
export const samplePath = (pattern: string): string =>
  pattern.replace(/:[A-Za-z_]\w*/g, 'sample-1');
