import { StrictInput } from '../../core/errors/validation';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { QueryInt } from '../../core/http/query-transforms';

@StrictInput()
export class AuditQueryDto {
  @ApiPropertyOptional({ example: 'user.delete' }) @IsOptional() @IsString() @MaxLength(64) action?: string;
  @ApiPropertyOptional({ example: 'admin:1a2b3c4d5e6f' }) @IsOptional() @IsString() @MaxLength(64) actor?: string;
  @ApiPropertyOptional({ example: 'user:alice' }) @IsOptional() @IsString() @MaxLength(256) target?: string;
  @ApiPropertyOptional({ enum: ['success', 'failure'] }) @IsOptional() @IsIn(['success', 'failure']) result?: 'success' | 'failure';
  @ApiPropertyOptional({ example: '2026-11-01T00:00:00Z' }) @IsOptional() @IsISO8601({ strict: true }) since?: string;
  @ApiPropertyOptional({ example: '2026-12-01T00:00:00Z' }) @IsOptional() @IsISO8601({ strict: true }) until?: string;
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 }) @IsOptional() @QueryInt() @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional({ default: 0, minimum: 0 }) @IsOptional() @QueryInt() @IsInt() @Min(0) offset?: number;
}

export class AuditEntryDto {
  @ApiProperty({ example: 42 }) id: number;
  @ApiProperty({ example: 'admin:1a2b3c4d5e6f', description: 'Fingerprint of the admin token used' }) actor: string;
  @ApiProperty({ example: 'user.delete' }) action: string;
  @ApiProperty({ nullable: true, type: String, example: 'user:alice' }) target: string | null;
  @ApiProperty({ example: { force: true }, description: 'Request parameters, secrets redacted' }) params: Record<string, unknown>;
  @ApiProperty({ enum: ['success', 'failure'] }) result: string;
  @ApiProperty({ example: 200 }) status: number;
  @ApiProperty({ nullable: true, type: String }) request_id: string | null;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) created_at: string;
}

export class AuditListDto {
  @ApiProperty({ type: [AuditEntryDto] }) entries: AuditEntryDto[];
  @ApiProperty({ example: 1 }) total: number;
  @ApiProperty({ example: 50 }) limit: number;
  @ApiProperty({ example: 0 }) offset: number;
}
