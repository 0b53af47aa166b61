import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Authenticated, CurrentPrincipal, OptionalAuth, OptionalPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ApiErrorResponses } from '../core/errors/api-errors.decorator';
import { OkResponseDto } from '../repos/dto/repos.dto';
import { paged } from '../stats/paging';
import { toCollectionDto, toCollectionSummaryDto } from './collection.presenter';
import {
  AddCollectionItemDto,
  CollectionDto,
  CollectionSummaryDto,
  CreateCollectionDto,
  ListCollectionsQueryDto,
  UpdateCollectionDto,
  UpdateCollectionItemDto,
  UpdatedCollectionDto,
} from './collections.dto';
import { CollectionsService } from './collections.service';

/** The Hub's collection routes; a slug is `{owner}/{title-slug}-{id}`, so it spans two path segments. */
@ApiTags('collections')
@ApiErrorResponses(400, 404)
@Controller('api/collections')
export class CollectionsController {
  constructor(private readonly collections: CollectionsService) {}

  @Get()
  @OptionalAuth()
  @ApiOperation({ summary: 'Collections the caller may see, filtered by owner, item and text; each with its first 4 items (cursor pagination through the Link header)' })
  @ApiOkResponse({ type: [CollectionSummaryDto] })
  async listCollections(@Req() req: Request, @Res({ passthrough: true }) res: Response, @OptionalPrincipal() principal: Principal | null, @Query() q: ListCollectionsQueryDto): Promise<CollectionSummaryDto[]> {
    const page = await paged(req, res, q, (limit, offset) =>
      this.collections.list(principal, { owners: q.owner ?? [], items: q.item ?? [], search: q.q ?? null, sort: q.sort ?? 'lastModified', limit, offset }),
    );
    return page.map(toCollectionSummaryDto);
  }

  @Post()
  @HttpCode(200)
  @Authenticated('write')
  @ApiErrorResponses(409)
  @ApiOperation({ summary: 'Create a collection (409 with the existing `slug` when the owner has one with this title)' })
  @ApiOkResponse({ type: CollectionDto })
  async createCollection(@CurrentPrincipal() principal: Principal, @Body() body: CreateCollectionDto): Promise<CollectionDto> {
    return toCollectionDto(await this.collections.create(principal, body));
  }

  @Get(':namespace/:slug')
  @OptionalAuth()
  @ApiOperation({ summary: 'A collection with all the items the caller may see' })
  @ApiOkResponse({ type: CollectionDto })
  async getCollection(@OptionalPrincipal() principal: Principal | null, @Param('namespace') namespace: string, @Param('slug') slug: string): Promise<CollectionDto> {
    return toCollectionDto(await this.collections.get(principal, namespace, slug));
  }

  @Patch(':namespace/:slug')
  @Authenticated('write')
  @ApiErrorResponses(409)
  @ApiOperation({ summary: "Change a collection's title, description, visibility, theme or place among its owner's collections" })
  @ApiOkResponse({ type: UpdatedCollectionDto })
  async updateCollection(
    @CurrentPrincipal() principal: Principal,
    @Param('namespace') namespace: string,
    @Param('slug') slug: string,
    @Body() body: UpdateCollectionDto,
  ): Promise<UpdatedCollectionDto> {
    return { success: true, data: toCollectionDto(await this.collections.update(principal, namespace, slug, body)) };
  }

  @Delete(':namespace/:slug')
  @Authenticated('write')
  @ApiOperation({ summary: 'Delete a collection (its items go with it; the repositories stay)' })
  @ApiOkResponse({ type: OkResponseDto })
  async deleteCollection(@CurrentPrincipal() principal: Principal, @Param('namespace') namespace: string, @Param('slug') slug: string): Promise<OkResponseDto> {
    await this.collections.delete(principal, namespace, slug);
    return { success: true };
  }

  @Post(':namespace/:slug/items')
  @HttpCode(200)
  @Authenticated('write')
  @ApiErrorResponses(409)
  @ApiOperation({ summary: 'Add a model, dataset, space (one the caller may read) or paper at the end of a collection' })
  @ApiOkResponse({ type: CollectionDto })
  async addCollectionItem(
    @CurrentPrincipal() principal: Principal,
    @Param('namespace') namespace: string,
    @Param('slug') slug: string,
    @Body() body: AddCollectionItemDto,
  ): Promise<CollectionDto> {
    return toCollectionDto(await this.collections.addItem(principal, namespace, slug, { ...body.item, note: body.note }));
  }

  @Patch(':namespace/:slug/items/:itemId')
  @Authenticated('write')
  @ApiOperation({ summary: "Change an item's note or place in the collection" })
  @ApiOkResponse({ type: OkResponseDto })
  async updateCollectionItem(
    @CurrentPrincipal() principal: Principal,
    @Param('namespace') namespace: string,
    @Param('slug') slug: string,
    @Param('itemId') itemId: string,
    @Body() body: UpdateCollectionItemDto,
  ): Promise<OkResponseDto> {
    await this.collections.updateItem(principal, namespace, slug, itemId, body);
    return { success: true };
  }

  @Delete(':namespace/:slug/items/:itemId')
  @Authenticated('write')
  @ApiOperation({ summary: 'Remove an item from a collection' })
  @ApiOkResponse({ type: OkResponseDto })
  async deleteCollectionItem(
    @CurrentPrincipal() principal: Principal,
    @Param('namespace') namespace: string,
    @Param('slug') slug: string,
    @Param('itemId') itemId: string,
  ): Promise<OkResponseDto> {
    await this.collections.deleteItem(principal, namespace, slug, itemId);
    return { success: true };
  }
}
