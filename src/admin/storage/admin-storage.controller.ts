import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AdminApi, type AuthenticatedRequest } from '../../auth/auth.decorators';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { Audited } from '../audit/audit.interceptor';
import {
  BucketListDto,
  DeleteObjectDto,
  DeletePrefixDto,
  DeletePrefixQueryDto,
  ForceQueryDto,
  ListObjectsQueryDto,
  PrepareDeleteDto,
  PrepareDeleteQueryDto,
  StorageDebugDto,
  StorageObjectListDto,
} from './admin-storage.dto';
import { AdminStorageService, DELETE_TOKEN_TTL_SECONDS } from './admin-storage.service';

@ApiTags('admin: storage')
@AdminApi()
@ApiErrorResponses(400, 404, 409)
@Controller('admin/api/storage')
export class AdminStorageController {
  constructor(private readonly service: AdminStorageService) {}

  @Get('debug')
  @ApiOperation({ summary: 'The object store’s configuration (no credentials) and whether it answers' })
  @ApiOkResponse({ type: StorageDebugDto })
  adminStorageDebug(): Promise<StorageDebugDto> {
    return this.service.debug();
  }

  @Get('buckets')
  @ApiOperation({ summary: 'The configured bucket (fs: one virtual bucket) with its size and object count (a full listing)' })
  @ApiOkResponse({ type: BucketListDto })
  async adminStorageBuckets(): Promise<BucketListDto> {
    const buckets = await this.service.buckets();
    return {
      buckets: buckets.map((b) => ({ name: b.name, creation_date: b.creationDate?.toISOString() ?? null, total_size: b.totalSize, object_count: b.objectCount })),
    };
  }

  @Get('objects')
  @ApiOperation({ summary: 'Objects under a prefix, a page at a time' })
  @ApiOkResponse({ type: StorageObjectListDto })
  adminStorageObjects(@Query() q: ListObjectsQueryDto): Promise<StorageObjectListDto> {
    return this.list(q.bucket, q);
  }

  @Get('objects/:bucket')
  @ApiParam({ name: 'bucket', example: 'hub-storage' })
  @ApiOperation({ summary: 'Objects under a prefix in a named bucket (only the configured one exists)' })
  @ApiOkResponse({ type: StorageObjectListDto })
  adminStorageBucketObjects(@Param('bucket') bucket: string, @Query() q: ListObjectsQueryDto): Promise<StorageObjectListDto> {
    return this.list(bucket, q);
  }

  private async list(bucket: string | undefined, q: ListObjectsQueryDto): Promise<StorageObjectListDto> {
    this.service.assertBucket(bucket);
    const prefix = q.prefix ?? '';
    const { objects, truncated } = await this.service.objects(prefix, q.limit ?? 1000, q.start_after);
    return {
      objects: objects.map((o) => ({ key: o.key, full_key: o.key, size: o.size, last_modified: o.lastModified.toISOString(), storage_class: 'STANDARD' })),
      bucket: this.service.bucketName,
      prefix,
      is_truncated: truncated,
      key_count: objects.length,
      next_start_after: truncated ? objects[objects.length - 1].key : null,
    };
  }

  @Delete('objects/*key')
  @Audited('storage.delete-object')
  @ApiParam({ name: 'key', example: 'lfs/ab/cd/abc123def', description: 'The full object key' })
  @ApiOperation({ summary: 'Delete one object; one a repository still references is refused (409 names the references) unless force=true' })
  @ApiOkResponse({ type: DeleteObjectDto })
  async adminStorageDeleteObject(@Param('key') key: string[] | string, @Query() q: ForceQueryDto): Promise<DeleteObjectDto> {
    const objectKey = Array.isArray(key) ? key.join('/') : key;
    const { references } = await this.service.deleteObject(objectKey, q.force ?? false);
    return { success: true, message: `Object deleted: ${objectKey}`, references };
  }

  @Post('prefix/prepare-delete')
  @HttpCode(200)
  @Audited('storage.prepare-delete')
  @ApiOperation({ summary: 'Step 1 of a prefix delete: a confirmation token for this prefix, valid 60 s, usable once' })
  @ApiOkResponse({ type: PrepareDeleteDto })
  async adminStoragePrepareDelete(@Query() q: PrepareDeleteQueryDto, @Req() req: AuthenticatedRequest): Promise<PrepareDeleteDto> {
    const { token, estimated, referenced } = await this.service.prepareDelete(q.prefix, req.adminActor ?? 'unknown');
    return { confirm_token: token, prefix: q.prefix, estimated_objects: estimated, referenced_objects: referenced, expires_in: DELETE_TOKEN_TTL_SECONDS };
  }

  @Delete('prefix')
  @Audited('storage.delete-prefix')
  @ApiOperation({ summary: 'Step 2: delete every object under the prefix with its confirmation token; referenced objects need force=true (else 409)' })
  @ApiOkResponse({ type: DeletePrefixDto })
  async adminStorageDeletePrefix(@Query() q: DeletePrefixQueryDto): Promise<DeletePrefixDto> {
    const { deleted, referencedDeleted } = await this.service.deletePrefix(q.prefix, q.confirm_token, q.force ?? false);
    return { success: true, deleted_count: deleted, referenced_deleted_count: referencedDeleted, prefix: q.prefix };
  }
}
