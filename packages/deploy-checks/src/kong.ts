import { asArray, asDict, asString, readRepoYaml, stringList, type Dict } from './repo.js';

export const KONG_FILE = 'infra/kong/kong.yml';

export interface KongRoute {
  name: string;
  service: string;
  paths: string[];
  /** Undefined: every method. */
  methods: string[] | undefined;
  protocols: string[];
  stripPath: boolean;
}

export interface KongPlugin {
  name: string;
  config: Dict;
}

export const loadKong = (): Dict => asDict(readRepoYaml(KONG_FILE), KONG_FILE);

export const kongServices = (kong: Dict): Dict[] =>
  asArray(kong['services'], 'services').map((s, i) => asDict(s, `services[${i}]`));

export const kongUpstreams = (kong: Dict): Dict[] =>
  asArray(kong['upstreams'], 'upstreams').map((u, i) => asDict(u, `upstreams[${i}]`));

export function kongRoutes(kong: Dict): KongRoute[] {
  return kongServices(kong).flatMap((svc) => {
    const service = asString(svc['name'], 'service name');
    return asArray(svc['routes'] ?? [], `${service}.routes`).map((r, i) => {
      const route = asDict(r, `${service}.routes[${i}]`);
      return {
        name: asString(route['name'], 'route name'),
        service,
        paths: stringList(route['paths'] ?? [], 'paths'),
        methods:
          route['methods'] === undefined ? undefined : stringList(route['methods'], 'methods'),
        // Kong's defaults: both protocols, strip_path true.
        protocols: stringList(route['protocols'] ?? ['http', 'https'], 'protocols'),
        stripPath: route['strip_path'] !== false,
      };
    });
  });
}

export function kongPlugins(scope: Dict): KongPlugin[] {
  return asArray(scope['plugins'] ?? [], 'plugins').map((p, i) => {
    const plugin = asDict(p, `plugins[${i}]`);
    return {
      name: asString(plugin['name'], 'plugin name'),
      config: asDict(plugin['config'] ?? {}, 'config'),
    };
  });
}

/**
 * Whether Kong routes `method path` through `route`: plain (non-regex) paths match as
 * prefixes, as Kong's router does; `methods`, when set, must include the method.
 */
export function routeMatches(route: KongRoute, method: string, path: string): boolean {
  if (route.methods && !route.methods.includes(method)) return false;
  return route.paths.some((prefix) => !prefix.startsWith('~') && path.startsWith(prefix));
}

/** `host:port` of a Kong target. */
export function splitTarget(target: string): { host: string; port: number } {
  const at = target.lastIndexOf(':');
  return { host: target.slice(0, at), port: Number(target.slice(at + 1)) };
}
