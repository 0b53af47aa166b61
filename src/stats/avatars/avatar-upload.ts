import { applyDecorators, CallHandler, ExecutionContext, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiPayloadTooLargeResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { DomainError } from '../../core/errors/domain-error';
import { HfErrorDto } from '../../core/errors/hf-error.dto';
import { AVATAR_MAX_UPLOAD_BYTES } from './avatar-image';

/** Room for the multipart framing around the file. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

export class AvatarTooLargeError extends DomainError {
  constructor() {
    super(413, 'PayloadTooLarge', `An avatar may be at most ${AVATAR_MAX_UPLOAD_BYTES / (1024 * 1024)} MB`);
  }
}

/** Refuses a declared body past the limit before a byte of it is read. */
@Injectable()
class DeclaredSizeCheck implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const declared = Number(ctx.switchToHttp().getRequest<Request>().get('content-length') ?? 0);
    if (declared > AVATAR_MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES) throw new AvatarTooLargeError();
    return next.handle();
  }
}

/**
 * A multipart/form-data upload with the image in its `file` field. A body that declares too much
 * is refused at once; one that streams past the limit (chunked) is cut off at the limit by
 * multer (413), so at most that much is ever held in memory.
 */
/** What multer hands the handler (memory storage). */
export interface UploadedImage {
  buffer: Buffer;
  size: number;
}

export function AvatarUpload() {
  return applyDecorators(
    UseInterceptors(
      DeclaredSizeCheck,
      // No storage engine: multer keeps the file in memory (bounded by fileSize).
      FileInterceptor('file', { limits: { fileSize: AVATAR_MAX_UPLOAD_BYTES, files: 1, fields: 8, parts: 9 } }),
    ),
    ApiConsumes('multipart/form-data'),
    ApiBody({
      schema: {
        type: 'object',
        required: ['file'],
        properties: { file: { type: 'string', format: 'binary', description: 'JPEG, PNG, WebP or GIF, at most 10 MB' } },
      },
    }),
    ApiPayloadTooLargeResponse({ description: 'The upload is larger than 10 MB', type: HfErrorDto }),
  );
}
