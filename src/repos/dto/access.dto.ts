import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { StrictInput } from '../../core/errors/validation';
import { ACCESS_REQUEST_STATUSES, type AccessRequestStatus } from '../access/access-requests.repository';
import { GRANT_ROLES, type GrantRole } from '../access/repo-grants.repository';

@StrictInput()
export class RepoGrantDto {
  @ApiProperty({ example: 'bob' }) @IsString() @IsNotEmpty() @MaxLength(96) username: string;
  @ApiProperty({ enum: GRANT_ROLES, example: 'read' }) @IsIn(GRANT_ROLES) role: GrantRole;
}

export class RepoGrantInfoDto {
  @ApiProperty({ example: 'bob' }) username: string;
  @ApiProperty({ enum: GRANT_ROLES }) role: GrantRole;
  @ApiProperty({ example: '2026-12-04T17:00:00.000Z' }) created_at: string;
}

export class RepoGrantsResponseDto {
  @ApiProperty({ type: [RepoGrantInfoDto] }) grants: RepoGrantInfoDto[];
}

/** The gate form: HF lets a repository ask for extra fields; they are kept as sent. */
export class AskAccessDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { company: 'Acme' } }) @IsOptional() @IsObject() fields?: Record<string, unknown>;
}

export class HandleAccessRequestDto {
  @ApiPropertyOptional({ example: 'bob', description: 'The requester (or requestId)' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(96) user?: string;
  @ApiPropertyOptional({ example: '12', description: 'The request (or user)' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(20) requestId?: string;
  @ApiProperty({ enum: ACCESS_REQUEST_STATUSES, description: 'pending: cancel an answer (back to the pending list)' }) @IsIn(ACCESS_REQUEST_STATUSES) status: AccessRequestStatus;
  @ApiPropertyOptional({ example: 'Not a research use' }) @IsOptional() @IsString() @MaxLength(2000) rejectionReason?: string;
}

export class GrantGatedAccessDto {
  @ApiProperty({ example: 'bob' }) @IsString() @IsNotEmpty() @MaxLength(96) user: string;
}

export class AccessRequestUserDto {
  @ApiProperty({ example: 'bob' }) user: string;
  @ApiProperty({ example: 'Bob' }) fullname: string;
  @ApiProperty({ example: 'bob@example.com', nullable: true, type: String }) email: string | null;
}

export class AccessRequestDto {
  @ApiProperty({ type: AccessRequestUserDto }) user: AccessRequestUserDto;
  @ApiProperty({ example: '12' }) requestId: string;
  @ApiProperty({ enum: ACCESS_REQUEST_STATUSES }) status: AccessRequestStatus;
  @ApiProperty({ example: '2026-12-04T17:00:00.000Z' }) timestamp: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true }) fields: Record<string, unknown> | null;
  @ApiPropertyOptional({ nullable: true, type: String }) rejectionReason: string | null;
}
