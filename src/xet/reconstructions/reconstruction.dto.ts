import { ApiProperty, getSchemaPath } from '@nestjs/swagger';

const HASH = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

/** End-exclusive chunk index range `[start, end)`. */
export class ChunkRangeDto {
  @ApiProperty({ example: 0 }) start!: number;
  @ApiProperty({ example: 4, description: 'Exclusive' }) end!: number;
}

/** End-inclusive byte range `[start, end]` in the serialized xorb (an HTTP Range). */
export class XorbByteRangeDto {
  @ApiProperty({ example: 0 }) start!: number;
  @ApiProperty({ example: 131071, description: 'Inclusive' }) end!: number;
}

export class ReconstructionTermDto {
  @ApiProperty({ example: HASH, description: 'Xorb hash' }) hash!: string;
  @ApiProperty({ example: 263873, description: 'Bytes the term’s chunks decompress to' }) unpacked_length!: number;
  @ApiProperty({ type: ChunkRangeDto, description: 'Chunks of the xorb' }) range!: ChunkRangeDto;
}

export class FetchInfoDto {
  @ApiProperty({ type: ChunkRangeDto }) range!: ChunkRangeDto;
  @ApiProperty({ description: 'Signed URL of the xorb; GET it with `Range: bytes={url_range.start}-{url_range.end}`' }) url!: string;
  @ApiProperty({ type: XorbByteRangeDto }) url_range!: XorbByteRangeDto;
}

export class XorbRangeDescriptorDto {
  @ApiProperty({ type: ChunkRangeDto }) chunks!: ChunkRangeDto;
  @ApiProperty({ type: XorbByteRangeDto }) bytes!: XorbByteRangeDto;
}

export class XorbMultiRangeFetchDto {
  @ApiProperty({ description: 'Signed URL of the xorb; GET it with a Range header of the listed byte ranges' }) url!: string;
  @ApiProperty({ type: [XorbRangeDescriptorDto], description: 'Hangar lists one range per URL' }) ranges!: XorbRangeDescriptorDto[];
}

/** v1 `QueryReconstructionResponse` (hub-docs docs/xet/api.md, deprecated there but still used). */
export class ReconstructionV1Dto {
  @ApiProperty({ example: 0, description: 'Bytes of the first term to skip (a range starting inside a chunk)' }) offset_into_first_range!: number;
  @ApiProperty({ type: [ReconstructionTermDto] }) terms!: ReconstructionTermDto[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'array', items: { $ref: getSchemaPath(FetchInfoDto) } }, description: 'By xorb hash' })
  fetch_info!: Record<string, FetchInfoDto[]>;
}

/** v2 `QueryReconstructionResponse` (hub-docs docs/xet/download-protocol.md). */
export class ReconstructionV2Dto {
  @ApiProperty({ example: 0, description: 'Bytes of the first term to skip (a range starting inside a chunk)' }) offset_into_first_range!: number;
  @ApiProperty({ type: [ReconstructionTermDto] }) terms!: ReconstructionTermDto[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'array', items: { $ref: getSchemaPath(XorbMultiRangeFetchDto) } }, description: 'By xorb hash' })
  xorbs!: Record<string, XorbMultiRangeFetchDto[]>;
}
