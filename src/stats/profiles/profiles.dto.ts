import { HUB_ORG_ROLES } from '../../auth/accounts/account.types';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SocialMediaDto } from './profile-settings.dto';

export class ProfileOrgDto {
  @ApiProperty({ example: 'acme' }) name: string;
  @ApiProperty({ example: 'Acme Research' }) fullname: string;
  @ApiProperty({ example: 'http://localhost:3000/api/organizations/acme/avatar' }) avatarUrl: string;
}

/** The shape huggingface_hub's get_user_overview reads into `User`, plus the profile settings. */
export class UserOverviewDto {
  @ApiProperty({ example: 'alice' }) user: string;
  @ApiProperty({ example: 'Alice Developer' }) fullname: string;
  @ApiProperty({ example: 'http://localhost:3000/api/users/alice/avatar' }) avatarUrl: string;
  @ApiProperty({ example: 'user' }) type: string;
  @ApiProperty({ example: false }) isPro: boolean;
  @ApiPropertyOptional({ example: 'I train small models.', nullable: true, type: String, description: 'The bio (huggingface_hub: `User.details`)' }) details: string | null;
  @ApiPropertyOptional({ example: 'I train small models.', nullable: true, type: String }) bio: string | null;
  @ApiPropertyOptional({ example: 'https://alice.example.com', nullable: true, type: String }) website: string | null;
  @ApiPropertyOptional({ type: SocialMediaDto, nullable: true }) socialMedia: SocialMediaDto | null;
  @ApiProperty({ example: 3, description: 'Public models' }) numModels: number;
  @ApiProperty({ example: 1 }) numDatasets: number;
  @ApiProperty({ example: 0 }) numSpaces: number;
  @ApiProperty({ example: 12, description: 'Repositories the user likes' }) numLikes: number;
  @ApiProperty({ example: 4 }) numFollowers: number;
  @ApiProperty({ example: 2, description: 'Users and organizations this user follows' }) numFollowing: number;
  @ApiProperty({ example: false, description: 'Whether the caller follows this user (false when anonymous)' }) isFollowing: boolean;
  @ApiProperty({ type: [ProfileOrgDto] }) orgs: ProfileOrgDto[];
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) createdAt: string;
}

/** The shape huggingface_hub's get_organization_overview reads into `Organization`, plus the profile settings. */
export class OrgOverviewDto {
  @ApiProperty({ example: 'acme' }) name: string;
  @ApiProperty({ example: 'Acme Research' }) fullname: string;
  @ApiProperty({ example: 'http://localhost:3000/api/organizations/acme/avatar' }) avatarUrl: string;
  @ApiProperty({ example: 'org' }) type: string;
  @ApiPropertyOptional({ example: 'We train models', nullable: true, type: String, description: 'The description' }) details: string | null;
  @ApiPropertyOptional({ example: 'A research lab.', nullable: true, type: String }) bio: string | null;
  @ApiPropertyOptional({ example: 'https://acme.example.com', nullable: true, type: String }) website: string | null;
  @ApiPropertyOptional({ type: SocialMediaDto, nullable: true }) socialMedia: SocialMediaDto | null;
  @ApiProperty({ example: 5 }) numUsers: number;
  @ApiProperty({ example: 3, description: 'Public models' }) numModels: number;
  @ApiProperty({ example: 1 }) numDatasets: number;
  @ApiProperty({ example: 0 }) numSpaces: number;
  @ApiProperty({ example: 10 }) numFollowers: number;
  @ApiProperty({ example: false, description: 'Whether the caller follows this organization (false when anonymous)' }) isFollowing: boolean;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) createdAt: string;
}

/** The shape huggingface_hub's list_organization_members reads into `User`, plus the role. */
export class HubOrgMemberDto {
  @ApiProperty({ example: 'alice' }) user: string;
  @ApiProperty({ example: 'Alice Developer' }) fullname: string;
  @ApiProperty({ example: 'http://localhost:3000/api/users/alice/avatar' }) avatarUrl: string;
  @ApiProperty({ example: 'user' }) type: string;
  @ApiProperty({ enum: HUB_ORG_ROLES, description: "The Hub's role names (a super-admin shows as admin)" }) role: string;
}
