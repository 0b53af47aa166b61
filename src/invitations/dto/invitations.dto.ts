import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, NotEquals } from 'class-validator';
import { ORG_ROLE_INPUTS, ORG_ROLES, orgRoleFromInput, type OrgRole } from '../../auth/accounts/account.types';
import { StrictInput } from '../../core/errors/validation';
import { PageQueryDto } from '../../core/http/page-query.dto';
import { QueryInt } from '../../core/http/query-transforms';
import { INVITATION_ACTIONS, type InvitationAction } from '../invitation.types';

const MAX_USAGE_DOC = 'null: one use; -1: unlimited; N (1 to 1000000): N uses';

/** The terms both kinds of invitation share. */
export class InvitationTermsDto {
  @ApiPropertyOptional({ enum: ORG_ROLE_INPUTS, default: 'write', description: 'Role in the organization (`member` is taken as `write`, its former name)' })
  @IsOptional()
  @Transform(({ value }) => orgRoleFromInput(value))
  @IsIn(ORG_ROLES, { message: `role must be one of: ${ORG_ROLE_INPUTS.join(', ')}` })
  role?: OrgRole;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: -1, maximum: 1000000, example: null, description: MAX_USAGE_DOC })
  @IsOptional()
  @IsInt()
  @Min(-1)
  @NotEquals(0, { message: 'max_usage must be null (one use), -1 (unlimited) or a positive number of uses' })
  @Max(1000000)
  max_usage?: number | null;

  @ApiPropertyOptional({ default: 7, minimum: 1, maximum: 365 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  expires_days?: number;
}

@StrictInput()
export class CreateOrgInvitationDto extends InvitationTermsDto {
  @ApiPropertyOptional({ nullable: true, example: 'newuser@example.com', description: 'Binds the invitation to this (verified) address and mails it there' })
  @IsOptional()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email?: string | null;
}

@StrictInput()
export class CreateRegistrationInvitationDto extends InvitationTermsDto {
  @ApiPropertyOptional({ type: Number, nullable: true, example: null, description: 'Organization the new user joins (null: none)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  org_id?: number | null;

  @ApiPropertyOptional({ nullable: true, example: null, description: 'The same by name (Hangar extension)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(96)
  org_name?: string | null;
}

@StrictInput()
export class ListInvitationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: INVITATION_ACTIONS })
  @IsOptional()
  @IsIn(INVITATION_ACTIONS)
  action?: InvitationAction;
}

export class CreateInvitationResponseDto {
  @ApiProperty({ example: true }) success: boolean;
  @ApiProperty({ example: 'inv_3kT9...', description: 'The whole token: shown only in this answer' }) token: string;
  @ApiProperty({ example: 'https://hub.example.com/invite/inv_3kT9...' }) invitation_link: string;
  @ApiProperty({ example: '2026-12-11T12:00:00.000Z' }) expires_at: string;
  @ApiProperty({ type: Number, nullable: true, example: null, description: MAX_USAGE_DOC }) max_usage: number | null;
  @ApiProperty({ example: false }) is_reusable: boolean;
  @ApiProperty({ enum: INVITATION_ACTIONS }) action: InvitationAction;
  @ApiProperty({ example: 12 }) id: number;
}

/** What anyone holding the link may see. */
export class InvitationDetailsDto {
  @ApiProperty({ enum: INVITATION_ACTIONS }) action: InvitationAction;
  @ApiProperty({ type: String, nullable: true, example: 'my-org' }) org_name: string | null;
  @ApiProperty({ enum: ORG_ROLES, nullable: true, example: 'write' }) role: OrgRole | null;
  @ApiProperty({ type: String, nullable: true, example: 'newuser@example.com', description: 'Only this (verified) address may accept' }) email: string | null;
  @ApiProperty({ example: 'alice', description: 'Who created it (a user name, or admin:<fingerprint>)' }) inviter: string;
  @ApiProperty({ example: '2026-12-04T12:00:00.000Z' }) created_at: string;
  @ApiProperty({ example: '2026-12-11T12:00:00.000Z' }) expires_at: string;
  @ApiProperty({ type: Number, nullable: true, example: null, description: MAX_USAGE_DOC }) max_usage: number | null;
  @ApiProperty({ example: 0 }) usage_count: number;
  @ApiProperty({ example: false }) is_reusable: boolean;
  @ApiProperty({ example: true }) is_available: boolean;
  @ApiProperty({ type: String, nullable: true, enum: ['deleted', 'expired', 'used_up'], example: null }) unavailable_reason: string | null;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'Why it cannot be used, in words' }) error_message: string | null;
}

/** A list row: ids and a short token prefix, never the token. */
export class InvitationListItemDto extends InvitationDetailsDto {
  @ApiProperty({ example: 12 }) id: number;
  @ApiProperty({ example: 'inv_3kT9ab', description: 'The first characters of the token' }) token_prefix: string;
  @ApiProperty({ type: Number, nullable: true, example: 3 }) org_id: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 1 }) created_by_id: number | null;
  @ApiProperty({ example: 'alice' }) creator_username: string;
  @ApiProperty({ type: String, nullable: true, example: null }) used_at: string | null;
  @ApiProperty({ type: Number, nullable: true, example: null, description: 'The last user who used it' }) used_by_id: number | null;
  @ApiProperty({ type: String, nullable: true, example: null }) used_by_username: string | null;
}

export class OrgInvitationListDto {
  @ApiProperty({ type: [InvitationListItemDto] }) invitations: InvitationListItemDto[];
}

export class InvitationListDto {
  @ApiProperty({ type: [InvitationListItemDto] }) invitations: InvitationListItemDto[];
  @ApiProperty({ example: 100 }) limit: number;
  @ApiProperty({ example: 0 }) offset: number;
}

export class AcceptInvitationResponseDto {
  @ApiProperty({ example: true }) success: boolean;
  @ApiProperty({ example: 'You joined my-org as member' }) message: string;
  @ApiProperty({ example: 'my-org' }) org_name: string;
  @ApiProperty({ enum: ORG_ROLES }) role: OrgRole;
}

export class InvitationRefParamDto {
  @ApiProperty({ description: 'The invitation token, or (to delete) its id from a list' })
  @IsString()
  @MaxLength(64)
  token: string;
}

export class RegisterLinkQueryDto {
  @ApiProperty({ description: 'The registration invitation token from the link' })
  @IsString()
  @MaxLength(64)
  invitation: string;
}
