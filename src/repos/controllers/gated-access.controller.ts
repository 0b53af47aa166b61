import { Body, Controller, Get, HttpCode, Param, ParseEnumPipe, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/principal';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { BadRequestError } from '../../core/errors/domain-error';
import { ACCESS_REQUEST_STATUSES, type AccessRequestStatus } from '../access/access-requests.repository';
import { GatedAccessService, type RequestTarget } from '../access/gated-access.service';
import { CurrentRepo, RepoAccess } from '../access/repo-access.decorator';
import { AccessRequestDto, AskAccessDto, GrantGatedAccessDto, HandleAccessRequestDto } from '../dto/access.dto';
import { OkResponseDto } from '../dto/repos.dto';
import type { RepoRecord } from '../repo.types';
import { toAccessRequest } from './access.presenters';

/**
 * Gated repositories (the Hub's routes, as huggingface_hub calls them): users ask for access,
 * repository admins answer; `auth-check` tells whether the caller may fetch the files.
 */
@ApiTags('access')
@ApiErrorResponses(400, 403, 404)
@Controller(['api/models', 'api/datasets', 'api/spaces'])
export class GatedAccessController {
  constructor(private readonly gated: GatedAccessService) {}

  @Get(':namespace/:repo/auth-check')
  @RepoAccess('files')
  @ApiOperation({ summary: 'Whether the caller may download this repository’s files (403 GatedRepo, 404/401 RepoNotFound otherwise)' })
  @ApiOkResponse({ type: OkResponseDto })
  authCheck(): OkResponseDto {
    return { success: true };
  }

  @Get(':namespace/:repo/auth-check/write')
  @RepoAccess('write')
  @ApiOperation({ summary: 'Whether the caller may write to this repository' })
  @ApiOkResponse({ type: OkResponseDto })
  authCheckWrite(): OkResponseDto {
    return { success: true };
  }

  @Post(':namespace/:repo/ask-access')
  @HttpCode(200)
  @Authenticated()
  @RepoAccess('read')
  @ApiOperation({ summary: 'Ask for access to a gated repository (accepted at once when gating is `auto`)' })
  @ApiOkResponse({ type: AccessRequestDto })
  async askAccess(@CurrentPrincipal() principal: Principal, @CurrentRepo() repo: RepoRecord, @Body() body: AskAccessDto): Promise<AccessRequestDto> {
    return toAccessRequest(await this.gated.ask(principal, repo, body.fields ?? null));
  }

  @Get(':namespace/:repo/user-access-request/:status')
  @RepoAccess('admin')
  @ApiParam({ name: 'status', enum: ACCESS_REQUEST_STATUSES })
  @ApiOperation({ summary: 'Access requests of a gated repository with this status' })
  @ApiOkResponse({ type: [AccessRequestDto] })
  async listAccessRequests(
    @CurrentRepo() repo: RepoRecord,
    @Param('status', new ParseEnumPipe(Object.fromEntries(ACCESS_REQUEST_STATUSES.map((s) => [s, s])), { exceptionFactory: () => badStatus() })) status: AccessRequestStatus,
  ): Promise<AccessRequestDto[]> {
    return (await this.gated.list(repo, status)).map(toAccessRequest);
  }

  @Post(':namespace/:repo/user-access-request/handle')
  @HttpCode(200)
  @RepoAccess('admin')
  @ApiOperation({ summary: 'Accept, reject (with a reason) or cancel (back to pending) an access request' })
  @ApiOkResponse({ type: OkResponseDto })
  async handleAccessRequest(@CurrentRepo() repo: RepoRecord, @Body() body: HandleAccessRequestDto): Promise<OkResponseDto> {
    await this.gated.handle(repo, requestTarget(body), body.status, body.rejectionReason ?? null);
    return { success: true };
  }

  @Post(':namespace/:repo/user-access-request/grant')
  @HttpCode(200)
  @RepoAccess('admin')
  @ApiOperation({ summary: 'Give a user access to a gated repository without a request' })
  @ApiOkResponse({ type: OkResponseDto })
  async grantGatedAccess(@CurrentPrincipal() principal: Principal, @CurrentRepo() repo: RepoRecord, @Body() body: GrantGatedAccessDto): Promise<OkResponseDto> {
    await this.gated.grant(principal.user.name, repo, body.user);
    return { success: true };
  }
}

function requestTarget(body: HandleAccessRequestDto): RequestTarget {
  if ((body.user === undefined) === (body.requestId === undefined)) throw new BadRequestError('Send exactly one of "user" and "requestId"');
  return body.user !== undefined ? { user: body.user } : { requestId: body.requestId! };
}

function badStatus(): BadRequestError {
  return new BadRequestError(`status must be one of ${ACCESS_REQUEST_STATUSES.join(', ')}`);
}
