/** The `route` label for requests that matched no route (404s, probes of random URLs). */
export const UNMATCHED_ROUTE = 'unmatched';

interface RoutedRequest {
  baseUrl?: string;
  route?: { path?: unknown; methods?: Record<string, boolean | undefined> };
}

/**
 * An `all()` route ending in a bare wildcard (`/{*path}`, `/api/*splat`) is how Nest mounts
 * middleware applied `forRoutes('*')` (pino-http, this module's own). Each such route sets
 * `req.route` as it runs, so a request that reached only these matched no controller.
 */
const MIDDLEWARE_WILDCARD = /(^|\/)(\{\*\w*\}|\*\w*|\(\.\*\))$/;

/** Express 5's `app.all()` registers the route once per HTTP method rather than setting `_all`. */
function handlesEveryMethod(methods: Record<string, boolean | undefined> | undefined): boolean {
  if (!methods) return false;
  return methods._all === true || ['get', 'post', 'put', 'patch', 'delete', 'options'].every((m) => methods[m]);
}

/**
 * The route *pattern* Express matched, e.g. `/api/auth/tokens/:id`. Express sets `req.route`
 * when it dispatches to a route and leaves it set, so this works after the response finished,
 * including when a guard or the handler threw. Nest registers its routes on the app itself
 * (`baseUrl` is empty); the base only matters for an Express router mounted under a prefix.
 * A controller route declared with `@All()` and a bare trailing wildcard would also count as
 * unmatched; the label stays bounded either way.
 */
export function routeLabel(req: RoutedRequest): string {
  const route = req.route;
  const path = route?.path;
  if (typeof path !== 'string') return UNMATCHED_ROUTE;
  if (handlesEveryMethod(route?.methods) && MIDDLEWARE_WILDCARD.test(path)) return UNMATCHED_ROUTE;
  const joined = `${req.baseUrl ?? ''}${path}`;
  return joined === '' ? '/' : joined;
}
