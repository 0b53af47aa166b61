import { HUB_ORG_ROLES } from '../../auth/accounts/account.types';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ProfileOrgDto {
  @ApiProperty({ example: 'acme' }) name: string;
  @ApiProperty({ example: 'Acme Research' }) fullname: string;
  @ApiProperty({ example: 'http://localhost:3000/avatars/acme.svg' }) avatarUrl: string;
}

/** The shape huggingface_hub's get_user_overview reads into `User`. */
export class UserOverviewDto {
  @ApiProperty({ example: 'alice' }) user: string;
  @ApiProperty({ example: 'Alice Developer' }) fullname: string;
  @ApiProperty({ example: 'http://localhost:3000/avatars/alice.svg' }) avatarUrl: string;
  @ApiProperty({ example: 'user' }) type: string;
  @ApiProperty({ example: false }) isPro: boolean;
  @ApiProperty({ example: 3, description: 'Public models' }) numModels: number;
  @ApiProperty({ example: 1 }) numDatasets: number;
  @ApiProperty({ example: 0 }) numSpaces: number;
  @ApiProperty({ example: 12, description: 'Repositories the user likes' }) numLikes: number;
  @ApiProperty({ type: [ProfileOrgDto] }) orgs: ProfileOrgDto[];
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) createdAt: string;
}

/** The shape huggingface_hub's get_organization_overview reads into `Organization`. */
export class OrgOverviewDto {
  @ApiProperty({ example: 'acme' }) name: string;
  @ApiProperty({ example: 'Acme Research' }) fullname: string;
  @ApiProperty({ example: 'http://localhost:3000/avatars/acme.svg' }) avatarUrl: string;
  @ApiProperty({ example: 'org' }) type: string;
  @ApiPropertyOptional({ example: 'We train models', nullable: true }) details: string | null;
  @ApiProperty({ example: 5 }) numUsers: number;
  @ApiProperty({ example: 3, description: 'Public models' }) numModels: number;
  @ApiProperty({ example: 1 }) numDatasets: number;
  @ApiProperty({ example: 0 }) numSpaces: number;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) createdAt: string;
}

/** The shape huggingface_hub's list_organization_members reads into `User`, plus the role. */
export class OrgMemberDto {
  @ApiProperty({ example: 'alice' }) user: string;
  @ApiProperty({ example: 'Alice Developer' }) fullname: string;
  @ApiProperty({ example: 'http://localhost:3000/avatars/alice.svg' }) avatarUrl: string;
  @ApiProperty({ example: 'user' }) type: string;
  @ApiProperty({ enum: HUB_ORG_ROLES, description: "The Hub's role names (a super-admin shows as admin)" }) role: string;
}
