import { Controller, Delete, Get, HttpCode, Logger, Param, Post, Req, Res, UploadedFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream';
import { Authenticated, CurrentPrincipal } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/principal';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { BadRequestError } from '../../core/errors/domain-error';
import { ObjectNotFoundError } from '../../core/storage/object-store';
import { etagMatches } from '../../repos/browse/file-headers';
import { ProfileOwners, type ProfileKind } from '../profiles/profile-owners';
import { SettingsResultDto } from '../profiles/profile-settings.dto';
import { AvatarUpload, type UploadedImage } from './avatar-upload';
import { AvatarUploadedDto } from './avatars.dto';
import { AvatarsService } from './avatars.service';

/** Avatars change rarely but must show at once when they do: cache, and revalidate by ETag. */
const CACHE_CONTROL = 'public, no-cache';

const IMAGE_RESPONSE = {
  status: 200,
  description: 'The uploaded avatar (JPEG), or the generated one (SVG) when none was uploaded',
  content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } }, 'image/svg+xml': { schema: { type: 'string' } } },
} as const;

@ApiTags('profiles')
@ApiErrorResponses(400, 404)
@Controller('api')
export class AvatarsController {
  private readonly logger = new Logger('AvatarsController');

  constructor(
    private readonly avatars: AvatarsService,
    private readonly owners: ProfileOwners,
  ) {}

  @Post('users/:username/avatar')
  @HttpCode(200)
  @Authenticated('write')
  @AvatarUpload()
  @ApiOperation({ summary: 'Upload your avatar (JPEG, PNG, WebP or GIF, at most 10 MB; stored as a centre-cropped JPEG of at most 1024 px)' })
  @ApiOkResponse({ type: AvatarUploadedDto })
  @ApiErrorResponses(403)
  async uploadUserAvatar(@CurrentPrincipal() principal: Principal, @Param('username') username: string, @UploadedFile() file: UploadedImage | undefined): Promise<AvatarUploadedDto> {
    return this.upload(principal, 'user', username, file);
  }

  @Get('users/:username/avatar')
  @ApiOperation({ summary: "A user's avatar (ETag; If-None-Match answers 304)" })
  @ApiProduces('image/jpeg', 'image/svg+xml')
  @ApiResponse(IMAGE_RESPONSE)
  @ApiResponse({ status: 304, description: 'If-None-Match matched the ETag' })
  async getUserAvatar(@Req() req: Request, @Res() res: Response, @Param('username') username: string): Promise<void> {
    await this.serve(req, res, 'user', username);
  }

  @Delete('users/:username/avatar')
  @Authenticated('write')
  @ApiOperation({ summary: 'Remove your uploaded avatar (the generated one shows again)' })
  @ApiOkResponse({ type: SettingsResultDto })
  @ApiErrorResponses(403)
  async deleteUserAvatar(@CurrentPrincipal() principal: Principal, @Param('username') username: string): Promise<SettingsResultDto> {
    return this.remove(principal, 'user', username);
  }

  @Post('organizations/:name/avatar')
  @HttpCode(200)
  @Authenticated('write')
  @AvatarUpload()
  @ApiOperation({ summary: "Upload an organization's avatar (its admins; as for users)" })
  @ApiOkResponse({ type: AvatarUploadedDto })
  @ApiErrorResponses(403)
  async uploadOrgAvatar(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @UploadedFile() file: UploadedImage | undefined): Promise<AvatarUploadedDto> {
    return this.upload(principal, 'org', name, file);
  }

  @Get('organizations/:name/avatar')
  @ApiOperation({ summary: "An organization's avatar (ETag; If-None-Match answers 304)" })
  @ApiProduces('image/jpeg', 'image/svg+xml')
  @ApiResponse(IMAGE_RESPONSE)
  @ApiResponse({ status: 304, description: 'If-None-Match matched the ETag' })
  async getOrgAvatar(@Req() req: Request, @Res() res: Response, @Param('name') name: string): Promise<void> {
    await this.serve(req, res, 'org', name);
  }

  @Delete('organizations/:name/avatar')
  @Authenticated('write')
  @ApiOperation({ summary: "Remove an organization's uploaded avatar (its admins)" })
  @ApiOkResponse({ type: SettingsResultDto })
  @ApiErrorResponses(403)
  async deleteOrgAvatar(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<SettingsResultDto> {
    return this.remove(principal, 'org', name);
  }

  private async upload(principal: Principal, kind: ProfileKind, name: string, file: UploadedImage | undefined): Promise<AvatarUploadedDto> {
    const ns = await this.owners.editable(principal, kind, name);
    if (!file) throw new BadRequestError('Send the image as multipart/form-data in a field named "file"', 'MissingFile');
    return { success: true, message: 'Avatar uploaded successfully', size_bytes: await this.avatars.upload(ns, file.buffer) };
  }

  private async remove(principal: Principal, kind: ProfileKind, name: string): Promise<SettingsResultDto> {
    const ns = await this.owners.editable(principal, kind, name);
    const removed = await this.avatars.remove(ns);
    return { success: true, message: removed ? 'Avatar deleted successfully' : 'No avatar was uploaded' };
  }

  private async serve(req: Request, res: Response, kind: ProfileKind, name: string): Promise<void> {
    const ns = await this.owners.find(kind, name);
    // A replacement between reading the row and opening the bytes removes them: read again.
    for (let attempt = 1; ; attempt++) {
      const avatar = await this.avatars.content(ns);
      res.setHeader('ETag', avatar.etag);
      res.setHeader('Cache-Control', CACHE_CONTROL);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      if (etagMatches(req.get('if-none-match'), avatar.etag)) {
        res.status(304).end();
        return;
      }
      if (avatar.kind === 'generated') {
        res.status(200).type('image/svg+xml').send(avatar.svg);
        return;
      }
      let body;
      try {
        body = await avatar.open();
      } catch (err) {
        if (err instanceof ObjectNotFoundError && attempt < 2) continue;
        throw err;
      }
      res.status(200);
      res.setHeader('Content-Type', 'image/jpeg');
      res.setHeader('Content-Length', String(avatar.size));
      res.setHeader('Last-Modified', new Date(avatar.updatedAt).toUTCString());
      pipeline(body, res, (err) => {
        if (err && (err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') this.logger.warn({ err, namespace: ns.name }, 'avatar stream failed');
      });
      return;
    }
  }
}
