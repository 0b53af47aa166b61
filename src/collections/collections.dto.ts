import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsNotEmptyObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { QueryInt } from '../core/http/query-transforms';

const SORTS = ['lastModified', 'trending', 'upvotes'] as const;
const THEMES = ['default', 'orange', 'blue', 'green', 'purple', 'pink', 'indigo', 'red', 'yellow', 'gray'] as const;

/** `owner=a` and `owner=a&owner=b` alike (requests sends a list so). */
const asArray = (v: unknown): unknown => (typeof v === 'string' ? [v] : v);

export class ListCollectionsQueryDto {
  @ApiPropertyOptional({ type: [String], description: 'Owner name(s): collections of any of them' })
  @IsOptional()
  @Transform(({ value }) => asArray(value))
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(96, { each: true })
  owner?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Item(s) a collection holds (any of them): `models/alice/m`, `datasets/alice/d`, `spaces/alice/s`, `papers/2311.12983`' })
  @IsOptional()
  @Transform(({ value }) => asArray(value))
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(300, { each: true })
  item?: string[];

  @ApiPropertyOptional({ description: 'Text in the title or description' }) @IsOptional() @IsString() @MaxLength(200) q?: string;
  @ApiPropertyOptional({ enum: SORTS, default: 'lastModified', description: 'trending orders as upvotes (Hangar keeps no trending figures for collections)' })
  @IsOptional()
  @IsIn(SORTS)
  sort?: (typeof SORTS)[number];
  @ApiPropertyOptional({ default: 100, maximum: 100 }) @IsOptional() @QueryInt() @IsInt() @Min(1) @Max(100) limit?: number;
  @ApiPropertyOptional({ description: 'Opaque cursor from the Link header' }) @IsOptional() @IsString() @MaxLength(100) cursor?: string;
}

export class CreateCollectionDto {
  @ApiProperty({ example: 'Recent models' }) @IsString() @IsNotEmpty() @MaxLength(100) title: string;
  @ApiProperty({ example: 'alice', description: 'Owner: the caller or one of their organizations' }) @IsString() @IsNotEmpty() @MaxLength(96) namespace: string;
  @ApiPropertyOptional({ maxLength: 150 }) @IsOptional() @IsString() @MaxLength(150) description?: string;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() private?: boolean;
}

export class UpdateCollectionDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100) title?: string;
  @ApiPropertyOptional({ maxLength: 150 }) @IsOptional() @IsString() @MaxLength(150) description?: string;
  @ApiPropertyOptional({ description: "Place among the owner's collections (0 first)" }) @IsOptional() @IsInt() @Min(0) @Max(1_000_000) position?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() private?: boolean;
  @ApiPropertyOptional({ enum: THEMES }) @IsOptional() @IsIn(THEMES) theme?: string;
}

export class CollectionItemRefDto {
  @ApiProperty({ example: 'alice/my-model', description: 'A repository id, or a paper id for papers' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(/^[^\s]+$/, { message: 'item.id must not contain spaces' })
  id: string;
  @ApiProperty({ example: 'model', description: 'model, dataset, space or paper (collection and bucket items are refused)' }) @IsString() @IsNotEmpty() @MaxLength(32) type: string;
}

export class AddCollectionItemDto {
  @ApiProperty({ type: CollectionItemRefDto }) @IsNotEmptyObject() @ValidateNested() @Type(() => CollectionItemRefDto) item: CollectionItemRefDto;
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsString() @MaxLength(500) note?: string;
}

export class UpdateCollectionItemDto {
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsString() @MaxLength(500) note?: string;
  @ApiPropertyOptional({ description: 'Place in the collection (0 first)' }) @IsOptional() @IsInt() @Min(0) @Max(1_000_000) position?: number;
}

export class CollectionOwnerDto {
  @ApiProperty({ example: 'alice' }) name: string;
  @ApiProperty({ enum: ['user', 'org'] }) type: string;
}

export class CollectionItemNoteDto {
  @ApiProperty({ example: 'The small one' }) text: string;
}

export class CollectionItemDto {
  @ApiProperty({ example: '651446103cd773a050bf64c2', description: 'The item in the collection (item_object_id)' }) _id: string;
  @ApiProperty({ example: 'alice/my-model', description: 'Repository or paper id' }) id: string;
  @ApiProperty({ enum: ['model', 'dataset', 'space', 'paper'] }) type: string;
  @ApiProperty({ example: 0 }) position: number;
  @ApiPropertyOptional({ type: CollectionItemNoteDto }) note?: CollectionItemNoteDto;
  @ApiPropertyOptional({ example: 'alice' }) author?: string;
  @ApiPropertyOptional({ enum: ['model', 'dataset', 'space'] }) repoType?: string;
  @ApiPropertyOptional() private?: boolean;
  @ApiPropertyOptional({ oneOf: [{ type: 'boolean' }, { type: 'string', enum: ['auto', 'manual'] }] }) gated?: boolean | string;
  @ApiPropertyOptional() likes?: number;
  @ApiPropertyOptional() downloads?: number;
  @ApiPropertyOptional({ type: String, format: 'date-time' }) lastModified?: string;
}

/**
 * A collection in a listing: no `position` (huggingface_hub's list_collections numbers the
 * results itself and fails on a `position` of ours), the first 4 items.
 */
export class CollectionSummaryDto {
  @ApiProperty({ example: 'alice/recent-models-64f9a55bb3115b4f513ec026' }) slug: string;
  @ApiProperty({ example: 'Recent models' }) title: string;
  @ApiPropertyOptional({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ type: CollectionOwnerDto }) owner: CollectionOwnerDto;
  @ApiProperty({ type: [CollectionItemDto], description: 'Items, never one the caller may not read' }) items: CollectionItemDto[];
  @ApiProperty({ type: String, format: 'date-time' }) lastUpdated: string;
  @ApiProperty() private: boolean;
  @ApiProperty({ example: 'default' }) theme: string;
  @ApiProperty({ example: 0 }) upvotes: number;
  @ApiProperty({ example: false }) isUpvotedByUser: boolean;
}

export class CollectionDto extends CollectionSummaryDto {
  @ApiProperty({ example: 0, description: "Place among the owner's collections" }) position: number;
}

export class UpdatedCollectionDto {
  @ApiProperty({ example: true }) success: boolean;
  @ApiProperty({ type: CollectionDto }) data: CollectionDto;
}
