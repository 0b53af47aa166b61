import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { StrictInput } from '../../core/errors/validation';
import { QueryBoolean, QueryInt } from '../../core/http/query-transforms';

@StrictInput()
export class EventsQueryDto {
  @ApiPropertyOptional({
    description: 'Resume after this event id (the query form of the Last-Event-ID header, for clients that cannot set headers; the header wins)',
    example: 42,
  })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  last_event_id?: number;

  @ApiPropertyOptional({
    description: 'Only these event types or type prefixes, comma-separated (e.g. `ref.updated,admin.`)',
    example: 'ref.updated,user.',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_.]{1,64}(,[a-z_.]{1,64}){0,15}$/, { message: 'types must be comma-separated event types or prefixes (letters, "." and "_")' })
  types?: string;

  @ApiPropertyOptional({
    default: true,
    description: 'false: send the stored events after the given id, then end the answer instead of staying connected',
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  follow?: boolean;
}
