import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { avatarStoreKey, avatarSvg } from '../../auth/avatars';
import { OBJECT_STORE, ObjectNotFoundError, type ObjectStore } from '../../core/storage/object-store';
import type { ProfileNamespace } from '../profiles/profile-owners';
import { normalizeAvatar } from './avatar-image';
import { AvatarsRepository } from './avatars.repository';

export type AvatarContent =
  | { kind: 'uploaded'; etag: string; size: number; updatedAt: Date; open: () => Promise<Readable> }
  | { kind: 'generated'; etag: string; svg: string };

/**
 * Uploaded avatars: normalised to a JPEG (avatar-image.ts), stored under their SHA-256 so that a
 * replacement never overwrites bytes a reader may be streaming; the old object goes once the row
 * names the new one. Without an upload, the generated SVG stands in.
 */
@Injectable()
export class AvatarsService {
  private readonly logger = new Logger('AvatarsService');

  constructor(
    private readonly avatars: AvatarsRepository,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
  ) {}

  /** Stores the image as the namespace's avatar; returns the stored size. */
  async upload(ns: ProfileNamespace, image: Buffer): Promise<number> {
    const jpeg = await normalizeAvatar(image);
    const sha256 = createHash('sha256').update(jpeg).digest('hex');
    await this.store.put(avatarStoreKey(ns.id, sha256), jpeg, { contentType: 'image/jpeg', contentLength: jpeg.length });
    const previous = await this.avatars.swap(ns.id, { sha256, size: jpeg.length });
    if (previous && previous !== sha256) await this.discard(ns.id, previous);
    return jpeg.length;
  }

  /** Back to the generated avatar; true when there was an upload to remove. */
  async remove(ns: ProfileNamespace): Promise<boolean> {
    const previous = await this.avatars.swap(ns.id, null);
    if (previous) await this.discard(ns.id, previous);
    return previous !== null;
  }

  async content(ns: ProfileNamespace): Promise<AvatarContent> {
    const stored = await this.avatars.current(ns.id);
    if (stored) {
      const key = avatarStoreKey(ns.id, stored.sha256);
      return { kind: 'uploaded', etag: `"${stored.sha256}"`, size: stored.size, updatedAt: stored.updatedAt, open: async () => (await this.store.get(key)).body };
    }
    const svg = avatarSvg(ns.name);
    return { kind: 'generated', etag: `"svg-${createHash('sha256').update(svg).digest('hex').slice(0, 32)}"`, svg };
  }

  /** A replaced avatar's bytes; failing to remove them leaves a stray object, never a failed change. */
  private async discard(namespaceId: number, sha256: string): Promise<void> {
    try {
      await this.store.delete(avatarStoreKey(namespaceId, sha256));
    } catch (err) {
      if (!(err instanceof ObjectNotFoundError)) this.logger.warn({ err, namespaceId }, 'replaced avatar not removed from the store');
    }
  }
}
