import { ApiProperty } from '@nestjs/swagger';

export class XetTokenDto {
  @ApiProperty({ description: 'Bearer token for the CAS endpoints (one repository, one operation)', example: 'hxt1.eyJyZXBvSWQiOjEsIm9wIjoid3JpdGUifQ.c2ln' })
  accessToken!: string;

  @ApiProperty({ description: 'Expiry, Unix seconds', example: 1767225600 })
  exp!: number;

  @ApiProperty({ description: 'Base URL of the CAS endpoints (Hangar itself)', example: 'http://localhost:3000' })
  casUrl!: string;
}
