import { Controller, Get, Param, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiErrorResponses } from '../core/errors/api-errors.decorator';
import { parseRangeHeader } from '../core/storage/http-range';
import { RangeNotSatisfiableError } from '../core/storage/storage-errors';
import { SignedQueryDto } from './dto/batch.dto';
import { LfsService } from './lfs.service';

/**
 * git-lfs downloads of objects that are stored as Xet xorbs only: the batch API hands out this
 * signed URL and Hangar reassembles the bytes as it streams them (Range works).
 */
@ApiTags('lfs')
@ApiErrorResponses(403, 404, 416)
@Controller('lfs/objects')
export class LfsDownloadController {
  constructor(private readonly lfs: LfsService) {}

  @Get(':oid')
  @ApiOperation({ summary: 'Download an LFS object through a signed href from the batch API (objects stored as Xet)' })
  @ApiProduces('application/octet-stream')
  @ApiResponse({ status: 200, description: 'The object', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } })
  @ApiResponse({ status: 206, description: 'The requested byte range' })
  async lfsDownload(@Param('oid') oid: string, @Query() q: SignedQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const object = await this.lfs.signedObject(oid, q.expires, q.sig);
    const size = object.size;
    const range = parseRangeHeader(req.headers.range, size);
    if (range === 'unsatisfiable') {
      res.setHeader('Content-Range', `bytes */${size}`);
      throw new RangeNotSatisfiableError();
    }
    const body = await this.lfs.openObject(object, range);
    res.status(range ? 206 : 200);
    res.setHeader('Accept-Ranges', 'bytes');
    if (range) res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
    return new StreamableFile(body, { type: 'application/octet-stream', length: range ? range.end - range.start + 1 : size });
  }
}
