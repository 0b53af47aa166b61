import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HfErrorDto } from '../../core/errors/hf-error.dto';
import { AdminApi } from '../../auth/auth.decorators';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { Audited } from '../audit/audit.interceptor';
import { ConsoleQueryDto, ConsoleResultDto, ConsoleTablesDto, QueryTemplatesDto } from './database-console.dto';
import { DatabaseConsoleService, QUERY_TEMPLATES } from './database-console.service';

@ApiTags('admin: database')
@AdminApi()
@ApiErrorResponses(400)
@ApiResponse({ status: 503, type: HfErrorDto, description: 'The console is off: the database user may not create its role (X-Error-Code: DatabaseConsoleUnavailable)' })
@Controller('admin/api/database')
export class DatabaseConsoleController {
  constructor(private readonly service: DatabaseConsoleService) {}

  @Get('tables')
  @ApiOperation({ summary: 'Tables with their columns, and which columns the console may read' })
  @ApiOkResponse({ type: ConsoleTablesDto })
  async adminDatabaseTables(): Promise<ConsoleTablesDto> {
    const tables = await this.service.tables();
    return {
      tables: tables.map((t) => ({
        name: t.name,
        model: t.name,
        columns: t.columns.map((c) => ({ name: c.name, type: c.type, null: c.nullable, unique: c.unique, readable: c.readable })),
        column_count: t.columns.length,
      })),
    };
  }

  @Get('templates')
  @ApiOperation({ summary: 'Ready-made queries for the console' })
  @ApiOkResponse({ type: QueryTemplatesDto })
  adminDatabaseTemplates(): QueryTemplatesDto {
    return { templates: QUERY_TEMPLATES };
  }

  @Post('query')
  @HttpCode(200)
  @Audited('database.query')
  @ApiOperation({
    summary:
      'Run one SELECT as a read-only role that cannot see secret columns, in a READ ONLY transaction, 10 s timeout, at most 1,000 rows; 503 when the database user could not create that role',
  })
  @ApiOkResponse({ type: ConsoleResultDto })
  async adminDatabaseQuery(@Body() body: ConsoleQueryDto): Promise<ConsoleResultDto> {
    const r = await this.service.query(body.sql);
    return { columns: r.columns, rows: r.rows, count: r.rows.length, column_count: r.columns.length, truncated: r.truncated };
  }
}
