import { Injectable, NestMiddleware } from '@nestjs/common';
import type { Request, Response } from 'express';
import { MetricsService } from './metrics.service';
import { routeLabel } from './route-label';

const OBSERVED = Symbol('hangar.metricsObserved');

/**
 * Counts every request when its response ends, so errors thrown by handlers, guards or pipes
 * are counted with the status the exception filter finally sent. An interceptor would miss
 * guard rejections and 404s. A response the client abandons before it ends (an interrupted
 * download) is counted as status 499, nginx's "client closed request".
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(req: Request, res: Response, next: () => void): void {
    // May run twice (also registered with app.use() ahead of the body parsers): count once.
    const r = req as Request & { [OBSERVED]?: true };
    if (r[OBSERVED]) return next();
    r[OBSERVED] = true;

    const start = process.hrtime.bigint();
    let done = false;
    const record = (): void => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const status = res.writableFinished ? String(res.statusCode) : '499';
      this.metrics.observeRequest(req.method, routeLabel(req), status, seconds);
    };
    res.once('finish', record);
    res.once('close', record);
    next();
  }
}
