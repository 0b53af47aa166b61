import { Body, Controller, Delete, Get, Header, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../../auth/auth.decorators';
import { Audited } from '../audit/audit.interceptor';
import {
  AdminUserDto,
  AdminUserListDto,
  CreateUserDto,
  DeleteUserQueryDto,
  DeleteUserResponseDto,
  EmailVerificationQueryDto,
  EmailVerificationResponseDto,
  ListUsersQueryDto,
  QuotaResponseDto,
  RotateTokenResponseDto,
  SetQuotaDto,
  SetUserRoleDto,
  UserActiveResponseDto,
  UserCredentialParamDto,
  UserCredentialsDto,
} from '../dto/admin-users.dto';
import { OkResponseDto } from '../../repos/dto/repos.dto';
import { AdminUsersService } from './admin-users.service';
import { toAdminUser } from './admin-users.presenter';

@ApiTags('admin: users')
@AdminApi()
@ApiErrorResponses(400, 404, 409)
@Controller('admin/api/users')
export class AdminUsersController {
  constructor(private readonly service: AdminUsersService) {}

  @Get()
  @ApiOperation({ summary: 'List users, with search and pagination' })
  @ApiOkResponse({ type: AdminUserListDto })
  async adminListUsers(@Query() q: ListUsersQueryDto): Promise<AdminUserListDto> {
    const limit = q.limit ?? 100;
    const offset = q.offset ?? 0;
    const { users, total } = await this.service.list({ search: q.search, limit, offset, sort: q.sort, order: q.order }, q.include_orgs ?? false);
    return { users: users.map((u) => toAdminUser(u.user, u.orgs)), total, limit, offset, search: q.search ?? null };
  }

  @Post()
  @HttpCode(200)
  @Audited('user.create')
  @ApiOperation({ summary: 'Create a user' })
  @ApiOkResponse({ type: AdminUserDto })
  async adminCreateUser(@Body() body: CreateUserDto): Promise<AdminUserDto> {
    return toAdminUser(await this.service.create(body), []);
  }

  @Get(':username')
  @ApiOperation({ summary: 'One user, with their organizations' })
  @ApiOkResponse({ type: AdminUserDto })
  async adminGetUser(@Param('username') username: string): Promise<AdminUserDto> {
    const { user, orgs } = await this.service.get(username);
    return toAdminUser(user, orgs);
  }

  @Delete(':username')
  @Audited('user.delete')
  @ApiOperation({ summary: 'Delete a user; one who owns repositories needs force=true, which deletes them too (else 409 listing owned_repositories)' })
  @ApiOkResponse({ type: DeleteUserResponseDto })
  async adminDeleteUser(@Param('username') username: string, @Query() q: DeleteUserQueryDto): Promise<DeleteUserResponseDto> {
    const { deletedRepositories } = await this.service.delete(username, q.force ?? false);
    return { message: `User deleted: ${username}`, deleted_repositories: deletedRepositories };
  }

  @Patch(':username/email-verification')
  @Audited('user.email-verification')
  @ApiOperation({ summary: "Set a user's email-verified flag" })
  @ApiOkResponse({ type: EmailVerificationResponseDto })
  async adminSetEmailVerification(
    @Param('username') username: string,
    @Query() q: EmailVerificationQueryDto,
  ): Promise<EmailVerificationResponseDto> {
    const user = await this.service.setEmailVerified(username, q.verified);
    return { username: user.name, email: user.email, email_verified: user.emailVerified };
  }

  @Post(':username/deactivate')
  @HttpCode(200)
  @Audited('user.deactivate')
  @ApiOperation({ summary: "Turn an account off: its tokens and sessions stop working at once (kept, so activate restores them); the last admin-role account stays on (409 LastAdmin)" })
  @ApiOkResponse({ type: UserActiveResponseDto })
  async adminDeactivateUser(@Param('username') username: string): Promise<UserActiveResponseDto> {
    const user = await this.service.setActive(username, false);
    return { username: user.name, is_active: user.isActive };
  }

  @Post(':username/activate')
  @HttpCode(200)
  @Audited('user.activate')
  @ApiOperation({ summary: 'Turn an account back on' })
  @ApiOkResponse({ type: UserActiveResponseDto })
  async adminActivateUser(@Param('username') username: string): Promise<UserActiveResponseDto> {
    const user = await this.service.setActive(username, true);
    return { username: user.name, is_active: user.isActive };
  }

  @Get(':username/credentials')
  @ApiOperation({ summary: "A user's live sessions and API tokens (metadata only, never secrets)" })
  @ApiOkResponse({ type: UserCredentialsDto })
  async adminListUserCredentials(@Param('username') username: string): Promise<UserCredentialsDto> {
    const { user, sessions, tokens } = await this.service.credentials(username);
    return {
      username: user.name,
      sessions: sessions.map((s) => ({ id: s.id, created_at: new Date(s.createdAt).toISOString(), expires_at: new Date(s.expiresAt).toISOString() })),
      tokens: tokens.map((tk) => ({
        id: Number(tk.id),
        name: tk.name,
        role: tk.role,
        created_at: new Date(tk.createdAt).toISOString(),
        expires_at: tk.expiresAt ? new Date(tk.expiresAt).toISOString() : null,
        last_used_at: tk.lastUsedAt ? new Date(tk.lastUsedAt).toISOString() : null,
      })),
    };
  }

  @Delete(':username/sessions/:id')
  @Audited('user.session-revoke')
  @ApiOperation({ summary: "End one of a user's sessions" })
  @ApiOkResponse({ type: OkResponseDto })
  async adminEndUserSession(@Param() p: UserCredentialParamDto): Promise<OkResponseDto> {
    await this.service.endSession(p.username, Number(p.id));
    return { success: true };
  }

  @Delete(':username/tokens/:id')
  @Audited('user.token-revoke')
  @ApiOperation({ summary: "Revoke one of a user's API tokens" })
  @ApiOkResponse({ type: OkResponseDto })
  async adminRevokeUserToken(@Param() p: UserCredentialParamDto): Promise<OkResponseDto> {
    await this.service.revokeToken(p.username, Number(p.id));
    return { success: true };
  }

  @Patch(':username')
  @Audited('user.role')
  @ApiOperation({ summary: "Set a user's account role (admin, user, viewer); the last admin-role account keeps its role (409 LastAdmin)" })
  @ApiOkResponse({ type: AdminUserDto })
  async adminSetUserRole(@Param('username') username: string, @Body() body: SetUserRoleDto): Promise<AdminUserDto> {
    return toAdminUser(await this.service.setRole(username, body.role));
  }

  @Put(':username/quota')
  @Audited('user.quota')
  @ApiOperation({ summary: "Set a user's private and public storage quotas (null: unlimited)" })
  @ApiOkResponse({ type: QuotaResponseDto })
  async adminSetUserQuota(@Param('username') username: string, @Body() body: SetQuotaDto): Promise<QuotaResponseDto> {
    const user = await this.service.setQuota(username, body.private_quota_bytes, body.public_quota_bytes);
    return {
      username: user.name,
      private_quota_bytes: user.privateQuotaBytes,
      public_quota_bytes: user.publicQuotaBytes,
      private_used_bytes: user.privateUsedBytes,
      public_used_bytes: user.publicUsedBytes,
    };
  }

  @Post(':username/rotate-token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Audited('user.rotate-token')
  @ApiOperation({ summary: "Issue a new write token (shown once) and revoke the user's other tokens and sessions" })
  @ApiOkResponse({ type: RotateTokenResponseDto })
  async adminRotateUserToken(@Param('username') username: string): Promise<RotateTokenResponseDto> {
    const { user, issued } = await this.service.rotateToken(username);
    return {
      username: user.name,
      token: issued.secret,
      token_id: issued.record.id,
      message: 'New token issued; every other token and session of the user is revoked.',
    };
  }
}
