import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { ORG_ROLE_INPUTS, ORG_ROLES, orgRoleFromInput, type OrgRole } from '../accounts/account.types';

export class CreateOrgDto {
  @ApiProperty({ example: 'acme', description: '2-42 letters, digits, "-", "_" or "."; unique across users and organizations' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(96)
  name: string;

  @ApiPropertyOptional({ example: 'The Acme research group' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ example: 'Acme Research', description: 'Display name (whoami-v2 `orgs[].fullname`)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  fullname?: string;
}

export const REPO_VISIBILITIES = ['public', 'private'] as const;

export class OrgSettingsDto {
  @ApiPropertyOptional({ nullable: true, type: String, example: 'Acme Research', description: 'Display name; null: show the name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  fullname?: string | null;

  @ApiPropertyOptional({ enum: REPO_VISIBILITIES, description: 'Visibility of new repositories whose creator does not choose one' })
  @IsOptional()
  @IsIn(REPO_VISIBILITIES)
  defaultRepoVisibility?: (typeof REPO_VISIBILITIES)[number];
}

export class CreateOrgResponseDto {
  @ApiProperty({ example: true }) success: boolean;
  @ApiProperty({ example: 'acme' }) name: string;
}

export class OrgInfoDto {
  @ApiProperty({ example: 'acme' }) name: string;
  @ApiProperty({ nullable: true, type: String, example: 'The Acme research group' }) description: string | null;
  @ApiProperty({ example: 'Acme Research' }) fullname: string;
  @ApiProperty({ enum: REPO_VISIBILITIES, description: 'Visibility of new repositories whose creator does not choose one' }) defaultRepoVisibility: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) created_at: string;
  @ApiProperty({ example: 3 }) member_count: number;
}

export class AddMemberDto {
  @ApiProperty({ example: 'bob' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(96)
  username: string;

  @ApiProperty({ enum: ORG_ROLE_INPUTS, example: 'write', description: '`member` is taken as `write` (its former name)' })
  @Transform(({ value }) => orgRoleFromInput(value))
  @IsIn(ORG_ROLES, { message: `role must be one of: ${ORG_ROLE_INPUTS.join(', ')}` })
  role: OrgRole;
}

export class UpdateMemberDto {
  @ApiProperty({ enum: ORG_ROLE_INPUTS, example: 'admin', description: '`member` is taken as `write` (its former name)' })
  @Transform(({ value }) => orgRoleFromInput(value))
  @IsIn(ORG_ROLES, { message: `role must be one of: ${ORG_ROLE_INPUTS.join(', ')}` })
  role: OrgRole;
}

export class OrgMemberDto {
  @ApiProperty({ example: 'bob' }) user: string;
  @ApiProperty({ enum: ORG_ROLES }) role: string;
}

export class OrgMembersResponseDto {
  @ApiProperty({ type: [OrgMemberDto] }) members: OrgMemberDto[];
}

export class UserOrgDto {
  @ApiProperty({ example: 'acme' }) name: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ enum: ORG_ROLES }) role: string;
}

export class UserOrgsResponseDto {
  @ApiProperty({ type: [UserOrgDto] }) organizations: UserOrgDto[];
}
