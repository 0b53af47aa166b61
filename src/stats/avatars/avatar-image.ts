import sharp from 'sharp';
import { BadRequestError } from '../../core/errors/domain-error';

/** Largest upload accepted (the reference's limit); checked on Content-Length and while reading. */
export const AVATAR_MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** Side of the square an avatar is scaled down to, at most (smaller squares stay as they are). */
export const AVATAR_MAX_SIDE = 1024;
/**
 * Most pixels an upload may declare. A 10 MB PNG can claim a 100k × 100k canvas (a decompression
 * bomb) that would take gigabytes to decode; 40 megapixels covers any real photo.
 */
export const AVATAR_MAX_INPUT_PIXELS = 40_000_000;
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif']);
const JPEG_QUALITY = 90;

export class InvalidImageError extends BadRequestError {
  constructor(reason: string) {
    super(`Not a usable avatar image: ${reason}`, 'InvalidImage');
  }
}

/**
 * Turns an uploaded JPEG, PNG, WebP or GIF into the stored avatar: the centre square, at most
 * AVATAR_MAX_SIDE pixels, as a JPEG (transparency over white). An animated image gives its first
 * frame. Anything else (another format, a corrupt file, a declared size past the pixel limit) is
 * an InvalidImageError; libvips decodes off the event loop.
 */
export async function normalizeAvatar(input: Buffer): Promise<Buffer> {
  const open = (limitInputPixels: number | false) => sharp(input, { limitInputPixels, failOn: 'error', pages: 1 });
  let meta: sharp.Metadata;
  try {
    // Only the header is read here, so the declared size can be named in the refusal below.
    meta = await open(false).metadata();
  } catch {
    throw new InvalidImageError('the file is not an image, or is damaged');
  }
  if (!meta.format || !ACCEPTED_FORMATS.has(meta.format)) throw new InvalidImageError(`format ${meta.format ?? 'unknown'} (accepted: JPEG, PNG, WebP, GIF)`);
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  if (width < 1 || height < 1) throw new InvalidImageError('no pixels');
  if (width * height > AVATAR_MAX_INPUT_PIXELS) throw new InvalidImageError(`${width} × ${height} pixels is more than ${AVATAR_MAX_INPUT_PIXELS} pixels`);
  const side = Math.min(width, height, AVATAR_MAX_SIDE);
  try {
    return await open(AVATAR_MAX_INPUT_PIXELS)
      .rotate() // EXIF orientation, before cropping
      .resize({ width: side, height: side, fit: 'cover', position: 'centre' })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: JPEG_QUALITY })
      .toBuffer();
  } catch {
    throw new InvalidImageError('the image could not be decoded');
  }
}
