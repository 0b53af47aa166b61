import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class HealthDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status: 'ok';
}

export class ReadinessChecksDto {
  @ApiProperty({ enum: ['ok', 'failed'], example: 'ok', description: 'SELECT 1 on the PostgreSQL pool' })
  database: 'ok' | 'failed';

  @ApiProperty({ enum: ['ok', 'failed'], example: 'ok', description: 'healthCheck() of the object store (fs or S3)' })
  objectStore: 'ok' | 'failed';

  @ApiPropertyOptional({ enum: ['ok', 'failed'], example: 'ok', description: 'Connect, greet (and log in to) the SMTP server; present only when HANGAR_SMTP_URL is set' })
  smtp?: 'ok' | 'failed';
}

export class OptionalDependencyDto {
  @ApiProperty({ example: 'HuggingFace' }) name: string;
  @ApiProperty({ example: 'https://huggingface.co' }) url: string;
  @ApiProperty({ enum: ['ok', 'unreachable'], example: 'ok' }) status: 'ok' | 'unreachable';
}

export class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'degraded'], example: 'ok', description: '`degraded`: an optional dependency (a fallback source) is unreachable' })
  status: 'ok' | 'degraded';

  @ApiProperty({ type: ReadinessChecksDto })
  checks: ReadinessChecksDto;

  @ApiPropertyOptional({ type: [OptionalDependencyDto], description: 'The enabled fallback sources and whether they answer (present when there are any)' })
  fallback_sources?: OptionalDependencyDto[];
}

/** The 503 body: the HF error shape plus which check failed. */
export class NotReadyDto {
  @ApiProperty({ enum: ['error'], example: 'error' })
  status: 'error';

  @ApiProperty({ type: ReadinessChecksDto, example: { database: 'ok', objectStore: 'failed' } })
  checks: ReadinessChecksDto;

  @ApiProperty({ example: 'objectStore: connect ECONNREFUSED 127.0.0.1:9000', description: 'Failing checks and short reasons (also in X-Error-Message)' })
  error: string;
}

export class VersionDto {
  @ApiProperty({ example: 'hangar' })
  name: string;

  @ApiProperty({ example: '0.1.0', description: 'Hangar release (package.json version)' })
  version: string;

  @ApiProperty({ example: 'hangar', description: 'Identifies the API flavour to clients probing the server' })
  api: string;
}
