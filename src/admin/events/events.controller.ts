import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AdminApi } from '../../auth/auth.decorators';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { ValidationError } from '../../core/errors/domain-error';
import { EventsQueryDto } from '../dto/events.dto';
import { EventSessions } from './event-sessions.service';

@ApiTags('admin')
@AdminApi()
@ApiErrorResponses(400)
@Controller('admin/api/events')
export class EventsController {
  constructor(private readonly sessions: EventSessions) {}

  @Get()
  @ApiOperation({
    summary: 'Server-Sent Events of what happens, cluster-wide',
    description:
      'A `text/event-stream` of admin actions (`admin.action`), accounts and repositories created or deleted (`user.created`, `user.deleted`, ' +
      '`repo.created`, `repo.deleted`), commits and pushes (`ref.updated`), quota refusals (`quota.refused`) and failed sign-ins ' +
      '(`auth.login_failed`), from every node. Each event carries `id` (send it back as `Last-Event-ID`, or `last_event_id`, to replay ' +
      'what was missed from the stored log), `event` (the type) and one `data:` line of JSON. Comment lines keep idle connections open.',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event id (digits)' })
  @ApiOkResponse({
    description: 'The stream; with follow=false it ends after the stored events',
    content: { 'text/event-stream': { schema: { type: 'string' }, example: 'id: 42\nevent: ref.updated\ndata: {"id":42,"type":"ref.updated",...}\n\n' } },
  })
  async adminEventStream(
    @Query() q: EventsQueryDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    await this.sessions.serve(res, {
      after: lastEventId !== undefined ? parseEventId(lastEventId) : (q.last_event_id ?? null),
      types: q.types ? q.types.split(',') : [],
      follow: q.follow ?? true,
    });
  }
}

function parseEventId(raw: string): number {
  if (!/^\d{1,15}$/.test(raw.trim())) throw new ValidationError('Last-Event-ID must be an event id (digits)');
  return Number(raw.trim());
}
