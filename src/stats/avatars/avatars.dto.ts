import { ApiProperty } from '@nestjs/swagger';

export class AvatarUploadedDto {
  @ApiProperty({ example: true }) success: boolean;
  @ApiProperty({ example: 'Avatar uploaded successfully' }) message: string;
  @ApiProperty({ example: 245678, description: 'Size of the stored JPEG' }) size_bytes: number;
}
