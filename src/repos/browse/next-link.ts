import type { Request } from 'express';

/**
 * `Link: <…>; rel="next"` for paginated answers: the request's own URL (path kept encoded as the
 * client sent it, other query parameters kept) under the configured base URL, with one
 * parameter replaced. huggingface_hub follows it verbatim, so it must be absolute.
 */
export function nextPageLink(baseUrl: string, req: Request, param: string, value: string): string {
  const url = new URL(req.originalUrl, 'http://placeholder');
  url.searchParams.set(param, value);
  return `<${baseUrl}${url.pathname}${url.search}>; rel="next"`;
}
