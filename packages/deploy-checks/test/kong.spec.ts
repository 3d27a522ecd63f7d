import { CHAT_NAMESPACE, SOCKET_PATH } from '@chat/contracts';
import { loadConfig } from '@chat/gateway/config';
import { beforeAll, describe, expect, it } from 'vitest';
import { environmentOf, loadCompose, publishedPorts, service, services } from '../src/compose.js';
import { gatewayRoutes, samplePath, type GatewayRoute } from '../src/gateway-routes.js';
import {
  KONG_FILE,
  kongPlugins,
  kongRoutes,
  kongServices,
  kongRouteFor,
  kongUpstreams,
  loadKong,
  pathMatches,
  routeMatches,
  splitTarget,
} from '../src/kong.js';
import { asArray, asDict, readRepoFile, stringList, type Dict } from '../src/repo.js';

/** Socket.IO's defaults, which the gateway keeps: a poll is held up to their sum. */
const SOCKET_IO_PING_INTERVAL_MS = 25_000;
const SOCKET_IO_PING_TIMEOUT_MS = 20_000;
/** The gateway's operational endpoints, which stay off the public edge. */
const OPS_PATHS = ['/health', '/serving', '/ready', '/metrics'];

describe(KONG_FILE, () => {
  const kong = loadKong();
  const compose = loadCompose();
  const gatewayService = service(compose, 'gateway');
  const gatewayConfig = loadConfig(environmentOf(gatewayService));
  const routes = kongRoutes(kong);
  const [upstream] = kongUpstreams(kong);
  let http: GatewayRoute[] = [];

  beforeAll(async () => {
    http = await gatewayRoutes();
  });

  it('reads the gateway routes from its controllers (a sanity check of the reader)', () => {
    expect(http.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['POST /chat/session', 'GET /chat/rooms', 'GET /ready']),
    );
  });

  it('routes the Socket.IO path, GET and POST (long-polling) and WebSocket upgrades, unstripped', () => {
    expect(SOCKET_PATH.startsWith(`${CHAT_NAMESPACE}/`)).toBe(true);
    const socket = routes.filter((r) => r.paths.includes(SOCKET_PATH));
    expect(socket).toHaveLength(1);
    const [route] = socket;
    expect(route?.protocols).toContain('http');
    expect(route?.stripPath).toBe(false);
    for (const method of ['GET', 'POST']) {
      expect(routeMatches(route!, method, `${SOCKET_PATH}/?EIO=4&transport=polling`)).toBe(true);
    }
  });

  it("routes every one of the gateway's /chat REST routes with its method, unstripped", () => {
    const rest = http.filter((r) => r.path.startsWith(`${CHAT_NAMESPACE}/`));
    expect(rest.length).toBeGreaterThan(0);
    for (const r of rest) {
      const matching = routes.filter((route) => routeMatches(route, r.method, samplePath(r.path)));
      expect(
        matching.map((m) => m.name),
        `${r.method} ${r.path}`,
      ).not.toEqual([]);
      expect(matching.every((m) => !m.stripPath)).toBe(true);
    }
  });

  it('has no route that reaches nothing in the gateway', () => {
    const served = [SOCKET_PATH, ...http.map((r) => samplePath(r.path))];
    for (const route of routes) {
      for (const prefix of route.paths) {
        expect(
          served.some((p) => pathMatches(prefix, p)),
          `${route.name} ${prefix}`,
        ).toBe(true);
      }
    }
  });

  it('keeps /health, /serving, /ready and /metrics off the edge', () => {
    for (const path of OPS_PATHS) {
      expect(http.some((r) => r.path === path)).toBe(true);
      expect(routes.filter((r) => routeMatches(r, 'GET', path)).map((r) => r.name)).toEqual([]);
    }
  });

  it('sends every service to the upstream, with timeouts above a Socket.IO long-poll', () => {
    const longestPoll = SOCKET_IO_PING_INTERVAL_MS + SOCKET_IO_PING_TIMEOUT_MS;
    for (const svc of kongServices(kong)) {
      expect(svc['host']).toBe(upstream?.['name']);
      expect(Number(svc['read_timeout'])).toBeGreaterThan(longestPoll);
      expect(Number(svc['write_timeout'])).toBeGreaterThan(longestPoll);
    }
  });

  it('balances with consistent hashing on the cookie the web NGINX keys its stickiness on', () => {
    expect(upstream?.['algorithm']).toBe('consistent-hashing');
    expect(upstream?.['hash_on']).toBe('cookie');
    const template = readRepoFile('infra/nginx/nginx.conf.template');
    const nginxCookie = /map \$cookie_(\w+) /.exec(template)?.[1];
    expect(upstream?.['hash_on_cookie']).toBe(nginxCookie);
    // NGINX forwards its key under that name, so Kong never mints a second cookie behind it.
    expect(template).toContain(`"${String(nginxCookie)}=$chat_lb_key`);
    const cookiePath = String(upstream?.['hash_on_cookie_path']);
    for (const route of routes)
      for (const p of route.paths)
        expect(`${p.replace(/^~/, '')}/`.startsWith(cookiePath)).toBe(true);
  });

  it('probes every replica actively on /serving, the routing probe the gateway serves (not /ready)', () => {
    const active = asDict(asDict(upstream?.['healthchecks'], 'healthchecks')['active'], 'active');
    // /ready fails with DynamoDB or Elasticsearch: probing it would take every replica out at
    // once while they could still accept and log messages.
    expect(active['http_path']).toBe('/serving');
    expect(http).toContainEqual(expect.objectContaining({ method: 'GET', path: '/serving' }));
    const healthy = asDict(active['healthy'], 'healthy');
    const unhealthy = asDict(active['unhealthy'], 'unhealthy');
    // An interval of 0 disables probing.
    expect(Number(healthy['interval'])).toBeGreaterThan(0);
    expect(Number(unhealthy['interval'])).toBeGreaterThan(0);
    expect(asArray(unhealthy['http_statuses'], 'http_statuses')).toContain(503);
  });

  it("targets the compose gateway service (≥ 3 replicas) on the port the gateway's config gives it", () => {
    const targets = asArray(upstream?.['targets'], 'targets').map((t) => asDict(t, 'target'));
    expect(targets.length).toBeGreaterThan(0);
    const replicas = Number(asDict(gatewayService['deploy'], 'deploy')['replicas']);
    expect(replicas).toBeGreaterThanOrEqual(3);
    for (const target of targets) {
      const { host, port } = splitTarget(String(target['target']));
      expect(host).toBe('gateway');
      expect(port).toBe(gatewayConfig.port);
    }
  });

  it('limits requests per client address with a policy DB-less Kong supports, behind trusted proxies', () => {
    const plugins = [
      ...kongPlugins(kong),
      ...kongServices(kong).flatMap((s: Dict) => kongPlugins(s)),
    ];
    const rate = plugins.find((p) => p.name === 'rate-limiting');
    expect(rate).toBeDefined();
    expect(['local', 'redis']).toContain(rate?.config['policy']);
    expect(rate?.config['limit_by']).toBe('ip');
    const kongEnv = environmentOf(service(compose, 'kong'));
    expect(kongEnv['KONG_REAL_IP_HEADER']).toBe('X-Forwarded-For');
    expect(kongEnv['KONG_TRUSTED_IPS']).toMatch(/\/\d+/);
  });

  it('trusts X-Forwarded-For from the web NGINX alone: its fixed address, not a private range', () => {
    const trusted = String(environmentOf(service(compose, 'kong'))['KONG_TRUSTED_IPS']).split(',');
    const web = asDict(asDict(service(compose, 'web')['networks'], 'web.networks')['edge'], 'edge');
    const address = String(web['ipv4_address']);
    expect(trusted).toEqual([`${address}/32`]);
    // The address is on the edge network's fixed subnet, and is not its gateway (the Docker
    // bridge, through which clients reaching Kong's published port arrive).
    const ipam = asDict(
      asDict(asDict(compose['networks'], 'networks')['edge'], 'edge')['ipam'],
      'ipam',
    );
    const [subnet] = asArray(ipam['config'], 'ipam.config').map((c) =>
      String(asDict(c, 'c')['subnet']),
    );
    const [base = '', bits = ''] = String(subnet).split('/');
    const toInt = (ip: string) => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
    const network = toInt(base) - (toInt(base) % 2 ** (32 - Number(bits)));
    expect(
      toInt(address) - (toInt(address) % 2 ** (32 - Number(bits))),
      `${address} in ${String(subnet)}`,
    ).toBe(network);
    expect(Number(bits)).toBeGreaterThan(0);
    expect(toInt(address)).not.toBe(network + 1);
    // The web NGINX, Kong and the gateways Kong proxies to are on the edge network; no store.
    const onEdge = [...services(compose)]
      .filter(([, svc]) => JSON.stringify(svc['networks'] ?? []).includes('edge'))
      .map(([name]) => name)
      .sort();
    expect(onEdge).toEqual(['gateway', 'kong', 'web']);
  });

  it('answers the Admin API only to the host (the edge bridge), never to a container', () => {
    const kongService = service(compose, 'kong');
    const env = environmentOf(kongService);
    // Kong's injected NGINX directives in the Admin API's server block.
    const edge = asDict(asDict(compose['networks'], 'networks')['edge'], 'edge');
    const [config] = asArray(asDict(edge['ipam'], 'ipam')['config'], 'config').map((c) =>
      asDict(c, 'config'),
    );
    const bridge = String(config?.['gateway']);
    expect(bridge).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(env['KONG_NGINX_ADMIN_ALLOW']).toBe(bridge);
    expect(env['KONG_NGINX_ADMIN_DENY']).toBe('all');
    // On one network only: the host's connections can only arrive through that bridge.
    expect(kongService['networks']).toEqual(['edge']);
    // No container has the bridge's address.
    for (const [name, svc] of services(compose)) {
      expect(JSON.stringify(svc['networks'] ?? []), name).not.toContain(`"${bridge}"`);
    }
    // The Admin API's port is published on the host's loopback only.
    const adminPort = Number(String(env['KONG_ADMIN_LISTEN']).split(':').pop());
    const published = publishedPorts(kongService).filter((p) => p.target === adminPort);
    expect(published.map((p) => p.hostIp)).toEqual(['127.0.0.1']);
  });

  /** The body limit, in bytes, of the service behind `method path`. */
  const sizeLimitFor = (method: string, path: string) => {
    const route = kongRouteFor(routes, method, path);
    const svc = kongServices(kong).find((s) => s['name'] === route?.service);
    const size = kongPlugins(svc ?? {}).find((p) => p.name === 'request-size-limiting');
    const unit = { kilobytes: 1024, megabytes: 1024 * 1024 }[String(size?.config['size_unit'])];
    return { route, bytes: Number(size?.config['allowed_payload_size']) * (unit ?? NaN) };
  };

  it("refuses bodies above the gateway's MAX_HTTP_BUFFER_SIZE at the edge", () => {
    expect(sizeLimitFor('POST', `${SOCKET_PATH}/`).bytes).toBe(gatewayConfig.maxHttpBufferSize);
    expect(sizeLimitFor('POST', '/chat/session').bytes).toBe(gatewayConfig.maxHttpBufferSize);
  });

  it('streams uploads to the gateway and lets files up to ATTACHMENT_MAX_BYTES through, no more', () => {
    const upload = http.find((r) => r.method === 'POST' && r.path.endsWith('/attachments'));
    expect(upload?.path).toBe('/chat/rooms/:roomId/attachments');
    const { route, bytes } = sizeLimitFor('POST', samplePath(upload?.path ?? ''));
    expect(route?.requestBuffering).toBe(false);
    expect(route?.stripPath).toBe(false);
    expect(bytes).toBe(gatewayConfig.attachments.maxBytes);
    // Everything else under /chat/rooms keeps the small limit.
    expect(sizeLimitFor('GET', '/chat/rooms/sample-1/messages').bytes).toBe(
      gatewayConfig.maxHttpBufferSize,
    );
  });

  it('is what compose runs: DB-less Kong loading this file, proxying for the web service', () => {
    const kongService = service(compose, 'kong');
    const env = environmentOf(kongService);
    expect(env['KONG_DATABASE']).toBe('off');
    const mounts = stringList(kongService['volumes'], 'volumes');
    expect(mounts).toContain(`./${KONG_FILE}:${env['KONG_DECLARATIVE_CONFIG']}:ro`);
    const proxyPort = String(env['KONG_PROXY_LISTEN']).split(':').pop();
    expect(environmentOf(service(compose, 'web'))['UPSTREAMS']).toBe(`kong:${proxyPort}`);
  });

  it('has the gateway count clients, not the proxies, for its per-address limits', () => {
    // Browser → web NGINX (appends the client) → Kong (appends NGINX) → gateway: with fewer
    // trusted hops every client would share one address and one sign-in budget.
    const hops = String(environmentOf(gatewayService)['TRUSTED_PROXY_HOPS']);
    expect(hops).toMatch(/^\$\{TRUSTED_PROXY_HOPS:-2\}$|^2$/);
    expect(environmentOf(service(compose, 'web'))['UPSTREAMS']).toMatch(/^kong:/);
  });
});
