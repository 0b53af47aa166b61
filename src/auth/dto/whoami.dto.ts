import { HUB_ORG_ROLES } from '../accounts/account.types';
import { ApiProperty } from '@nestjs/swagger';

export class WhoAmIOrgDto {
  @ApiProperty({ example: '7' }) id: string;
  @ApiProperty({ example: 'org' }) type: 'org';
  @ApiProperty({ example: 'acme' }) name: string;
  @ApiProperty({ example: 'Acme Research', description: "The org's display name (its name when it has none)" }) fullname: string;
  @ApiProperty({ nullable: true, type: String, example: null }) email: string | null;
  @ApiProperty({ example: false }) canPay: boolean;
  @ApiProperty({ example: 'http://localhost:3000/api/organizations/acme/avatar' }) avatarUrl: string;
  @ApiProperty({ nullable: true, type: Number, example: null }) periodEnd: number | null;
  @ApiProperty({ enum: HUB_ORG_ROLES, description: "The Hub's role names (a super-admin shows as admin)" }) roleInOrg: string;
}

export class AccessTokenInfoDto {
  @ApiProperty({ example: 'laptop' }) displayName: string;
  @ApiProperty({ enum: ['read', 'write'] }) role: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) createdAt: string;
}

export class AuthInfoDto {
  @ApiProperty({ example: 'access_token' }) type: string;
  @ApiProperty({ type: AccessTokenInfoDto }) accessToken: AccessTokenInfoDto;
}

/** The public hub's `/api/whoami-v2` shape, which huggingface_hub and @huggingface/hub parse. */
export class WhoAmIDto {
  @ApiProperty({ example: 'user' }) type: 'user';
  @ApiProperty({ example: '1' }) id: string;
  @ApiProperty({ example: 'alice' }) name: string;
  @ApiProperty({ example: 'Alice Liddell' }) fullname: string;
  @ApiProperty({ example: 'alice@example.com' }) email: string;
  @ApiProperty({ example: true }) emailVerified: boolean;
  @ApiProperty({ example: false }) canPay: boolean;
  @ApiProperty({ example: false }) isPro: boolean;
  @ApiProperty({ nullable: true, type: Number, example: null }) periodEnd: number | null;
  @ApiProperty({ example: 'http://localhost:3000/api/users/alice/avatar' }) avatarUrl: string;
  @ApiProperty({ example: 'postpaid' }) billingMode: string;
  @ApiProperty({ type: [WhoAmIOrgDto] }) orgs: WhoAmIOrgDto[];
  @ApiProperty({ type: AuthInfoDto }) auth: AuthInfoDto;
}
