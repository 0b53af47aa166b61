import { Controller, Get, Header, Headers, Param } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { CurrentXetGrant, XetCasAuth } from '../tokens/xet-cas-auth';
import type { XetGrant } from '../tokens/xet-token.service';
import { FetchInfoDto, ReconstructionV1Dto, ReconstructionV2Dto, XorbMultiRangeFetchDto } from './reconstruction.dto';
import { XetReconstructionService } from './reconstruction.service';
import { PublicBaseUrl } from '../../core/http/public-base-url';

const FILE_PARAM = { name: 'fileHash', description: 'Xet file hash (64 hex digits, Xet word order)' };
const RANGE_HEADER = { name: 'Range', required: false, description: '`bytes=start-end` (inclusive) of the file; hf_xet always sends one' };

/** The CAS reconstruction endpoints (casUrl = Hangar's base URL), authenticated by a Xet read or write token. */
@ApiTags('xet')
@ApiExtraModels(FetchInfoDto, XorbMultiRangeFetchDto)
@ApiErrorResponses(400, 404, 416)
@Controller()
export class XetReconstructionController {
  constructor(private readonly reconstructions: XetReconstructionService) {}

  @Get('v1/reconstructions/:fileHash')
  @XetCasAuth('read')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'How to rebuild a file (or a byte range of it) from xorbs: terms and a signed URL per fetch range (v1)' })
  @ApiParam(FILE_PARAM)
  @ApiHeader(RANGE_HEADER)
  @ApiOkResponse({ type: ReconstructionV1Dto })
  getReconstructionV1(
    @CurrentXetGrant() grant: XetGrant,
    @Param('fileHash') fileHash: string,
    @Headers('range') range: string | undefined,
    @PublicBaseUrl() baseUrl: string,
  ): Promise<ReconstructionV1Dto> {
    return this.reconstructions.v1(grant, fileHash, range, baseUrl);
  }

  @Get('v2/reconstructions/:fileHash')
  @XetCasAuth('read')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'How to rebuild a file (or a byte range of it) from xorbs: terms and signed URLs per xorb (v2)' })
  @ApiParam(FILE_PARAM)
  @ApiHeader(RANGE_HEADER)
  @ApiOkResponse({ type: ReconstructionV2Dto })
  getReconstructionV2(
    @CurrentXetGrant() grant: XetGrant,
    @Param('fileHash') fileHash: string,
    @Headers('range') range: string | undefined,
    @PublicBaseUrl() baseUrl: string,
  ): Promise<ReconstructionV2Dto> {
    return this.reconstructions.v2(grant, fileHash, range, baseUrl);
  }
}
