import { ApiProperty } from '@nestjs/swagger';

/** Every error answer: this body plus `X-Error-Code` and `X-Error-Message` headers. */
export class HfErrorDto {
  @ApiProperty({ example: 'Repository not found', description: 'Human-readable message (also in X-Error-Message)' })
  error: string;
}
