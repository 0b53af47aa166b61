import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/principal';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { CurrentRepo, RepoAccess } from '../../repos/access/repo-access.decorator';
import type { RepoRecord } from '../../repos/repo.types';
import {
  CreateLockDto,
  ListLocksQueryDto,
  LockConflictDto,
  LockListDto,
  LockResponseDto,
  UnlockDto,
  VerifyLocksDto,
  VerifyLocksResponseDto,
} from './dto/locks.dto';
import { LfsLocksService } from './lfs-locks.service';

const LFS_MEDIA_TYPE = 'application/vnd.git-lfs+json';
const LOCKS = ':namespace/:repo.git/info/lfs/locks';

/**
 * The git-lfs file locking API (`git lfs lock / locks / unlock`, and the lock check git-lfs runs
 * before every push). Every route needs push rights; errors come as git-lfs's `{message}`.
 */
@ApiTags('lfs')
@ApiErrorResponses(400, 401, 403, 404)
@ApiConsumes(LFS_MEDIA_TYPE, 'application/json')
@ApiProduces(LFS_MEDIA_TYPE)
@Controller(['', 'datasets', 'spaces'])
export class LfsLocksController {
  constructor(private readonly locks: LfsLocksService) {}

  @Post(LOCKS)
  @HttpCode(201)
  @RepoAccess('write', { challenge: 'lfs' })
  @ApiOperation({ summary: 'Lock a path (git lfs lock)', description: 'One lock per path and repository, on every branch.' })
  @ApiCreatedResponse({ type: LockResponseDto })
  @ApiConflictResponse({ type: LockConflictDto, description: 'The path is already locked: the existing lock, and a message (X-Error-Code: LockExists)' })
  async lfsCreateLock(
    @CurrentPrincipal() principal: Principal,
    @CurrentRepo() repo: RepoRecord,
    @Body() body: CreateLockDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LockResponseDto | LockConflictDto> {
    const result = await this.locks.create(principal, repo, body);
    res.type(LFS_MEDIA_TYPE);
    if (result.created) return { lock: result.lock };
    // git-lfs wants the holding lock beside the message, which the error filter's `{message}` lacks.
    res.status(409).setHeader('X-Error-Code', 'LockExists');
    res.setHeader('X-Error-Message', result.message.replace(/[^\x20-\x7e]/g, '?').slice(0, 1000));
    return { lock: result.lock, message: result.message };
  }

  @Get(LOCKS)
  @RepoAccess('write', { challenge: 'lfs' })
  @ApiOperation({ summary: 'List locks, newest first (git lfs locks)', description: 'Filters: path, id. Pages: limit (default 100, at most 1000), cursor = next_cursor.' })
  @ApiOkResponse({ type: LockListDto })
  async lfsListLocks(@CurrentRepo() repo: RepoRecord, @Query() q: ListLocksQueryDto, @Res({ passthrough: true }) res: Response): Promise<LockListDto> {
    const list = await this.locks.list(repo, q);
    res.type(LFS_MEDIA_TYPE);
    return list;
  }

  @Post(`${LOCKS}/verify`)
  @HttpCode(200)
  @RepoAccess('write', { challenge: 'lfs' })
  @ApiOperation({
    summary: "The caller's locks and everyone else's (git-lfs asks before each push)",
    description: 'A push that changes a path in `theirs` is refused by git-lfs. Pages as the list does.',
  })
  @ApiOkResponse({ type: VerifyLocksResponseDto })
  async lfsVerifyLocks(
    @CurrentPrincipal() principal: Principal,
    @CurrentRepo() repo: RepoRecord,
    @Body() body: VerifyLocksDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<VerifyLocksResponseDto> {
    const result = await this.locks.verify(principal, repo, body);
    res.type(LFS_MEDIA_TYPE);
    return result;
  }

  @Post(`${LOCKS}/:id/unlock`)
  @HttpCode(200)
  @RepoAccess('write', { challenge: 'lfs' })
  @ApiParam({ name: 'id', example: '42' })
  @ApiOperation({
    summary: 'Remove a lock (git lfs unlock)',
    description: "Your own lock, or with force another user's (repository admins only; 403 otherwise). 404 LockNotFound for an unknown id.",
  })
  @ApiOkResponse({ type: LockResponseDto })
  async lfsUnlock(
    @CurrentPrincipal() principal: Principal,
    @CurrentRepo() repo: RepoRecord,
    @Param('id') id: string,
    @Body() body: UnlockDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LockResponseDto> {
    const lock = await this.locks.unlock(principal, repo, id, body.force === true);
    res.type(LFS_MEDIA_TYPE);
    return { lock };
  }
}
