import { Controller, Get, Query } from '@nestjs/common';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../../auth/auth.decorators';
import { AuditListDto, AuditQueryDto } from '../dto/audit.dto';
import { AuditRepository } from './audit.repository';

@ApiTags('admin: audit')
@AdminApi()
@ApiErrorResponses(400)
@Controller('admin/api/audit')
export class AuditController {
  constructor(private readonly audit: AuditRepository) {}

  @Get()
  @ApiOperation({ summary: 'Admin actions, newest first, with filters and pagination' })
  @ApiOkResponse({ type: AuditListDto })
  async listAudit(@Query() q: AuditQueryDto): Promise<AuditListDto> {
    const limit = q.limit ?? 50;
    const offset = q.offset ?? 0;
    const { entries, total } = await this.audit.list({
      action: q.action,
      actor: q.actor,
      target: q.target,
      result: q.result,
      since: q.since ? new Date(q.since) : undefined,
      until: q.until ? new Date(q.until) : undefined,
      limit,
      offset,
    });
    return {
      entries: entries.map((e) => ({
        id: e.id,
        actor: e.actor,
        action: e.action,
        target: e.target,
        params: e.params,
        result: e.result,
        status: e.status,
        request_id: e.requestId,
        created_at: e.createdAt.toISOString(),
      })),
      total,
      limit,
      offset,
    };
  }
}
