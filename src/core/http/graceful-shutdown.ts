import type { Server } from 'node:http';

const IN_FLIGHT = Symbol('hangar.inFlightRequests');
type TrackedServer = Server & { [IN_FLIGHT]?: { count: number; idle: Array<() => void> } };

/** Counts the requests the server is answering, so that a shutdown can wait for them. */
export function trackInFlightRequests(server: Server): void {
  const s = server as TrackedServer;
  const state = (s[IN_FLIGHT] = { count: 0, idle: [] as Array<() => void> });
  server.on('request', (_req, res) => {
    state.count++;
    res.once('close', () => {
      if (--state.count === 0) for (const wake of state.idle.splice(0)) wake();
    });
  });
}

/**
 * The first half of a graceful shutdown: stop accepting connections, close the idle kept-alive
 * ones, let the requests in flight finish for up to `timeoutMs`, then cut whatever is left.
 * Runs before the application closes its database pool, which the requests in flight still use.
 * Resolves to true when every request finished in time.
 */
export async function drainHttpServer(server: Server, timeoutMs: number): Promise<boolean> {
  const state = (server as TrackedServer)[IN_FLIGHT];
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  let drained = true;
  if (state && state.count > 0) {
    drained = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      state.idle.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
  // Kept-alive connections that just answered their last request, and requests past the timeout.
  server.closeAllConnections();
  await closed;
  return drained;
}
