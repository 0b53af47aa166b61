import type { XetDownloadLinks } from '../../xet/tokens/xet-token.service';

/** The media type @huggingface/hub's fileDownloadInfo asks resolve for (`Accept: application/vnd.xet-fileinfo+json, *\/*`). */
export const XET_FILEINFO_TYPE = 'application/vnd.xet-fileinfo+json';

/** True when the request names the Xet file-info type in its Accept header (any position, any q > 0). */
export function acceptsXetFileInfo(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    return type === XET_FILEINFO_TYPE && !params.some((p) => /^q=0(\.0*)?$/.test(p));
  });
}

/**
 * The `Link` header of a Xet-stored file, as the hub sends it: `xet-auth` is the read-token route
 * (huggingface_hub's refresh route; httpx parses it from `Link`), `xet-reconstruction-info` the
 * CAS reconstruction (@huggingface/hub requires both; its parser wants `; rel="…"` with a space).
 */
export function xetLinkHeader(links: XetDownloadLinks): string {
  return `<${links.xetAuth}>; rel="xet-auth", <${links.reconstruction}>; rel="xet-reconstruction-info"`;
}
