import { ApiProperty } from '@nestjs/swagger';

/** xet-core's `UploadXorbResponse`. */
export class UploadXorbResponseDto {
  @ApiProperty({ description: 'False when the xorb was already stored (not an error)', example: true })
  was_inserted!: boolean;
}

/** xet-core's `UploadShardResponse`. */
export class UploadShardResponseDto {
  @ApiProperty({ description: '0: nothing new (the files were known), 1: registered (SyncPerformed); informational', enum: [0, 1], example: 1 })
  result!: 0 | 1;
}
