import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiErrorResponses } from '../core/errors/api-errors.decorator';
import { CompleteMultipartDto, LfsOkDto, SignedQueryDto, VerifyDto } from './dto/batch.dto';
import { LfsService } from './lfs.service';

/**
 * The hrefs the batch API hands out. They authenticate by their signature alone: the clients
 * send no token on uploads and completions. A spent upload URL answers 403.
 */
@ApiTags('lfs')
@ApiErrorResponses(400, 403, 404, 422)
@Controller('lfs/uploads')
export class LfsUploadController {
  constructor(private readonly lfs: LfsService) {}

  @Put(':id')
  @ApiOperation({ summary: 'Upload the bytes of one LFS object (filesystem store; S3 uploads go straight to the store)' })
  @ApiConsumes('application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ type: LfsOkDto })
  async lfsUpload(@Param('id', ParseUUIDPipe) id: string, @Query() q: SignedQueryDto, @Req() req: Request): Promise<LfsOkDto> {
    await this.lfs.receiveUpload(id, q.expires, q.sig, req);
    return { message: 'ok' };
  }

  @Post(':id/complete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Complete an HF multipart upload: join the parts, then check the bytes hash to the oid' })
  @ApiOkResponse({ type: LfsOkDto })
  async lfsCompleteMultipart(@Param('id', ParseUUIDPipe) id: string, @Query() q: SignedQueryDto, @Body() body: CompleteMultipartDto): Promise<LfsOkDto> {
    await this.lfs.completeMultipart(id, q.expires, q.sig, body);
    return { message: 'ok' };
  }

  @Post(':id/verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'The verify action: 200 once the object is stored and checked' })
  @ApiOkResponse({ type: LfsOkDto })
  async lfsVerify(@Param('id', ParseUUIDPipe) id: string, @Query() q: SignedQueryDto, @Body() body: VerifyDto): Promise<LfsOkDto> {
    await this.lfs.verify(id, q.expires, q.sig, body);
    return { message: 'ok' };
  }
}
