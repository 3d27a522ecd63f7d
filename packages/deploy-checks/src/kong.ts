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
  /** Kong's `request_buffering` (default true): false streams the body to the upstream. */
  requestBuffering: boolean;
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
        requestBuffering: route['request_buffering'] !== false,
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

/** Whether a route path (a prefix, or a regex after `~`, anchored at the start) matches. */
export const pathMatches = (routePath: string, path: string): boolean =>
  routePath.startsWith('~')
    ? new RegExp(`^(?:${routePath.slice(1)})`).test(path)
    : path.startsWith(routePath);

/**
 * Whether Kong routes `method path` through `route`: plain paths match as prefixes, `~` paths
 * as regexes, as Kong's router does; `methods`, when set, must include the method.
 */
export function routeMatches(route: KongRoute, method: string, path: string): boolean {
  if (route.methods && !route.methods.includes(method)) return false;
  return route.paths.some((routePath) => pathMatches(routePath, path));
}

/**
 * The route Kong picks for `method path` among `routes`: a matching regex path first, else the
 * longest matching prefix (Kong's order for routes that differ only by path).
 */
export function kongRouteFor(
  routes: readonly KongRoute[],
  method: string,
  path: string,
): KongRoute | undefined {
  const matching = routes.filter((route) => routeMatches(route, method, path));
  const rank = (route: KongRoute) =>
    Math.max(
      ...route.paths
        .filter((p) => pathMatches(p, path))
        .map((p) => (p.startsWith('~') ? Number.MAX_SAFE_INTEGER : p.length)),
    );
  return matching.sort((a, b) => rank(b) - rank(a))[0];
}

/** `host:port` of a Kong target. */
export function splitTarget(target: string): { host: string; port: number } {
  const at = target.lastIndexOf(':');
  return { host: target.slice(0, at), port: Number(target.slice(at + 1)) };
}
