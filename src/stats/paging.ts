import type { Request, Response } from 'express';
import { nextPageLink } from '../repos/browse/next-link';
import { decodeCursor, encodeCursor } from '../repos/repo-listing.service';
import type { CursorPageQueryDto } from './stats.dto';

/** One page of `limit` (default 50) from the cursor, with a Link to the next when there is one. */
export async function paged<T>(req: Request, res: Response, q: CursorPageQueryDto, fetch: (limit: number, offset: number) => Promise<T[]>): Promise<T[]> {
  const limit = q.limit ?? 50;
  const offset = q.cursor ? decodeCursor(q.cursor) : 0;
  const rows = await fetch(limit + 1, offset);
  if (rows.length > limit) res.setHeader('Link', nextPageLink(req, 'cursor', encodeCursor(offset + limit)));
  return rows.slice(0, limit);
}
