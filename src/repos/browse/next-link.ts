import type { Request } from 'express';
import { publicBaseUrl } from '../../core/http/public-base-url';

/**
 * `Link: <…>; rel="next"` for paginated answers: the request's own URL (path kept encoded as the
 * client sent it, other query parameters kept) under the request's public base URL, with one
 * parameter replaced. huggingface_hub follows it verbatim, so it must be absolute.
 */
export function nextPageLink(req: Request, param: string, value: string): string {
  const url = new URL(req.originalUrl, 'http://placeholder');
  url.searchParams.set(param, value);
  return `<${publicBaseUrl(req)}${url.pathname}${url.search}>; rel="next"`;
}
