import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { WATCHED_TYPES, WEBHOOK_DOMAINS, type WatchedType, type WebhookDomain } from '../webhook.types';

export class WatchedItemDto {
  @ApiProperty({ enum: WATCHED_TYPES, example: 'model' }) @IsIn(WATCHED_TYPES) type: WatchedType;
  @ApiProperty({ example: 'alice/my-model', description: 'A user or organization name, or a repository id `namespace/name`' }) @IsString() @MaxLength(300) name: string;
}

class WebhookFieldsDto {
  @ApiPropertyOptional({ example: 'https://ci.example.com/hangar-hook', description: 'Where payloads are POSTed (http or https; private addresses refused unless HANGAR_WEBHOOK_ALLOW_PRIVATE)' })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  url?: string | null;

  @ApiPropertyOptional({ type: [WatchedItemDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => WatchedItemDto)
  watched?: WatchedItemDto[] | null;

  @ApiPropertyOptional({ enum: [...WEBHOOK_DOMAINS, 'discussions'], isArray: true, description: 'Default: both. `discussions` (huggingface_hub 0.x) means `discussion`.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsIn([...WEBHOOK_DOMAINS, 'discussions'], { each: true })
  domains?: string[] | null;

  @ApiPropertyOptional({ example: 'my-secret', description: 'Sent as X-Webhook-Secret (printable ASCII)' }) @IsOptional() @IsString() @MaxLength(4096) secret?: string | null;
}

export class CreateWebhookDto extends WebhookFieldsDto {
  @ApiPropertyOptional({ example: 'research', description: "Hangar: an organization you administer that owns the webhook (default: you)" })
  @IsOptional()
  @IsString()
  @MaxLength(96)
  namespace?: string | null;
}

export class UpdateWebhookDto extends WebhookFieldsDto {}

export class WebhookIdParams {
  @ApiProperty({ example: '654bbbc16f2ec14d77f109cc' }) @IsString() @MaxLength(64) webhookId: string;
}

export class DeliveryIdParams extends WebhookIdParams {
  @ApiProperty({ example: '0123456789abcdef01234567' }) @IsString() @Matches(/^[0-9a-f]{24}$/, { message: 'deliveryId must be 24 hex digits' }) deliveryId: string;
}

export class WebhookInfoDto {
  @ApiProperty({ example: '654bbbc16f2ec14d77f109cc' }) id: string;
  @ApiProperty({ example: 'https://ci.example.com/hangar-hook' }) url: string;
  @ApiProperty({ nullable: true, type: Object, example: null, description: 'Always null: Hangar runs no jobs' }) job: null;
  @ApiProperty({ type: [WatchedItemDto] }) watched: WatchedItemDto[];
  @ApiProperty({ enum: WEBHOOK_DOMAINS, isArray: true }) domains: WebhookDomain[];
  @ApiProperty({ nullable: true, type: String, example: 'my-secret' }) secret: string | null;
  @ApiProperty() disabled: boolean;
  @ApiProperty({ example: 'alice', description: 'Hangar: the user or organization that owns the webhook' }) owner: string;
}

export class WebhookEnvelopeDto {
  @ApiProperty({ type: WebhookInfoDto }) webhook: WebhookInfoDto;
}

export class WebhookDeletedDto {
  @ApiProperty({ example: true }) success: boolean;
}

export class DeliveryAttemptDto {
  @ApiProperty({ example: 1 }) attempt: number;
  @ApiProperty({ example: '2026-12-04T10:00:00.000Z' }) startedAt: string;
  @ApiProperty({ example: 42 }) latencyMs: number;
  @ApiProperty({ nullable: true, type: Number, example: 200, description: 'null: no answer (refused target, connection error, timeout)' }) statusCode: number | null;
  @ApiProperty({ nullable: true, type: String, example: null }) error: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'ok', description: 'The first kilobyte of the answer' }) responseExcerpt: string | null;
}

export class DeliveryEventDto {
  @ApiProperty({ example: 'update' }) action: string;
  @ApiProperty({ example: 'repo.content' }) scope: string;
}

export class DeliveryDto {
  @ApiProperty({ example: '0123456789abcdef01234567' }) id: string;
  @ApiProperty({ type: DeliveryEventDto }) event: DeliveryEventDto;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] }) status: string;
  @ApiProperty({ example: 1 }) attempts: number;
  @ApiProperty({ example: '2026-12-04T10:00:00.000Z' }) createdAt: string;
  @ApiProperty({ nullable: true, type: String, description: 'When the next attempt is due (pending only)' }) nextAttemptAt: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The delivery this one replays' }) replayOf: string | null;
  @ApiProperty({ nullable: true, type: DeliveryAttemptDto }) lastAttempt: DeliveryAttemptDto | null;
}

export class DeliveryDetailsDto extends DeliveryDto {
  @ApiProperty({ type: Object, description: 'The payload as stored (links as paths; `webhook` added when sent)' }) payload: Record<string, unknown>;
  @ApiProperty({ type: [DeliveryAttemptDto] }) attemptLog: DeliveryAttemptDto[];
}
