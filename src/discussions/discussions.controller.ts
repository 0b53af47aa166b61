import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ApiErrorResponses } from '../core/errors/api-errors.decorator';
import { CurrentRepo, RepoAccess } from '../repos/access/repo-access.decorator';
import type { RepoRecord } from '../repos/repo.types';
import { DiscussionsService } from './discussions.service';
import {
  CommentDto,
  CommentParams,
  CreateDiscussionDto,
  CreatedDiscussionDto,
  DiscussionDetailsDto,
  DiscussionDetailsQueryDto,
  DiscussionListDto,
  DiscussionNumParams,
  EditCommentDto,
  ListDiscussionsQueryDto,
  MergeDto,
  MergedDto,
  NewMessageDto,
  NewStatusDto,
  NewTitleDto,
  RenameDto,
  StatusDto,
  UpdatedCommentDto,
} from './dto/discussions.dto';

/**
 * The Hub's discussion and pull-request routes (huggingface_hub `get_repo_discussions` ...
 * `hide_discussion_comment`). Reading needs read access; opening and commenting `contribute`
 * (anyone who may read, with a write credential); renaming, status and comment changes are for
 * the author or a repository admin (decided by the service); merging needs write.
 */
@ApiTags('discussions')
@ApiErrorResponses(400, 403, 404, 409)
@Controller(['api/models', 'api/datasets', 'api/spaces'])
export class DiscussionsController {
  constructor(private readonly discussions: DiscussionsService) {}

  @Get(':namespace/:repo/discussions')
  @RepoAccess('read')
  @ApiOperation({ summary: 'Discussions and pull requests, newest first, 50 per page (p)' })
  @ApiOkResponse({ type: DiscussionListDto })
  list(@CurrentRepo() repo: RepoRecord, @Query() q: ListDiscussionsQueryDto) {
    const filter = { type: q.type === 'all' ? undefined : q.type, status: q.status === 'all' ? undefined : q.status, author: q.author };
    return this.discussions.list(repo, filter, q.p ?? 0);
  }

  @Post(':namespace/:repo/discussions')
  @HttpCode(200)
  @RepoAccess('contribute')
  @ApiOperation({ summary: 'Open a discussion, or (pullRequest) an empty draft pull request on refs/pr/N' })
  @ApiOkResponse({ type: CreatedDiscussionDto })
  create(@CurrentPrincipal() principal: Principal, @CurrentRepo() repo: RepoRecord, @Body() body: CreateDiscussionDto) {
    return this.discussions.create(principal, repo, body);
  }

  @Get(':namespace/:repo/discussions/:num')
  @RepoAccess('read')
  @ApiOperation({ summary: 'A discussion with its events; pull requests add their target, conflicts and (diff=1) diff' })
  @ApiOkResponse({ type: DiscussionDetailsDto })
  details(@CurrentRepo() repo: RepoRecord, @Param() p: DiscussionNumParams, @Query() q: DiscussionDetailsQueryDto) {
    return this.discussions.details(repo, p.num, q.diff ?? false);
  }

  @Post(':namespace/:repo/discussions/:num/comment')
  @HttpCode(200)
  @RepoAccess('contribute')
  @ApiOperation({ summary: 'Comment on a discussion or pull request' })
  @ApiOkResponse({ type: NewMessageDto })
  comment(@CurrentPrincipal() principal: Principal, @CurrentRepo() repo: RepoRecord, @Param() p: DiscussionNumParams, @Body() body: CommentDto) {
    return this.discussions.comment(principal, repo, p.num, body.comment);
  }

  @Post(':namespace/:repo/discussions/:num/title')
  @HttpCode(200)
  @RepoAccess('contribute')
  @ApiOperation({ summary: 'Rename a discussion (its author or a repository admin)' })
  @ApiOkResponse({ type: NewTitleDto })
  rename(@CurrentPrincipal() principal: Principal, @CurrentRepo() repo: RepoRecord, @Param() p: DiscussionNumParams, @Body() body: RenameDto) {
    return this.discussions.rename(principal, repo, p.num, body.title);
  }

  @Post(':namespace/:repo/discussions/:num/status')
  @HttpCode(200)
  @RepoAccess('contribute')
  @ApiOperation({ summary: 'Close or reopen a discussion (its author or a repository admin)' })
  @ApiOkResponse({ type: NewStatusDto })
  status(@CurrentPrincipal() principal: Principal, @CurrentRepo() repo: RepoRecord, @Param() p: DiscussionNumParams, @Body() body: StatusDto) {
    return this.discussions.changeStatus(principal, repo, p.num, body.status, body.comment);
  }

  @Post(':namespace/:repo/discussions/:num/merge')
  @HttpCode(200)
  @RepoAccess('write')
  @ApiOperation({ summary: 'Merge a pull request into its target branch (fast-forward or merge commit; 409 MergeConflict with conflictingFiles)' })
  @ApiOkResponse({ type: MergedDto })
  merge(@CurrentPrincipal() principal: Principal, @CurrentRepo() repo: RepoRecord, @Param() p: DiscussionNumParams, @Body() body: MergeDto) {
    return this.discussions.merge(principal, repo, p.num, body?.comment);
  }

  @Post(':namespace/:repo/discussions/:num/comment/:commentId/edit')
  @HttpCode(200)
  @RepoAccess('contribute')
  @ApiOperation({ summary: 'Edit a comment (its author or a repository admin)' })
  @ApiOkResponse({ type: UpdatedCommentDto })
  editComment(@CurrentPrincipal() principal: Principal, @CurrentRepo() repo: RepoRecord, @Param() p: CommentParams, @Body() body: EditCommentDto) {
    return this.discussions.editComment(principal, repo, p.num, p.commentId, body.content);
  }

  @Post(':namespace/:repo/discussions/:num/comment/:commentId/hide')
  @HttpCode(200)
  @RepoAccess('contribute')
  @ApiOperation({ summary: 'Hide a comment for good (its author or a repository admin)' })
  @ApiOkResponse({ type: UpdatedCommentDto })
  hideComment(@CurrentPrincipal() principal: Principal, @CurrentRepo() repo: RepoRecord, @Param() p: CommentParams) {
    return this.discussions.hideComment(principal, repo, p.num, p.commentId);
  }
}
