import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { StrictInput } from '../../core/errors/validation';

@StrictInput()
export class ConsoleQueryDto {
  @ApiProperty({ example: 'SELECT type, count(*) FROM repositories GROUP BY type', description: 'One SELECT (or WITH … SELECT, VALUES, TABLE) statement' })
  @IsString()
  @MinLength(1)
  @MaxLength(20000)
  sql: string;
}

export class ConsoleColumnDto {
  @ApiProperty({ example: 'username' }) name: string;
  @ApiProperty({ example: 'character varying' }) type: string;
  @ApiProperty({ example: false }) null: boolean;
  @ApiProperty({ example: true, description: 'A single-column unique index covers it' }) unique: boolean;
  @ApiProperty({ example: true, description: 'The console may select it (secret columns: false)' }) readable: boolean;
}

export class ConsoleTableDto {
  @ApiProperty({ example: 'users' }) name: string;
  @ApiProperty({ example: 'users', description: 'The table (Hangar has no ORM models to name)' }) model: string;
  @ApiProperty({ type: [ConsoleColumnDto] }) columns: ConsoleColumnDto[];
  @ApiProperty({ example: 12 }) column_count: number;
}

export class ConsoleTablesDto {
  @ApiProperty({ type: [ConsoleTableDto] }) tables: ConsoleTableDto[];
}

export class QueryTemplateDto {
  @ApiProperty({ example: 'Count repositories by type' }) name: string;
  @ApiProperty({ example: 'SELECT type, count(*) AS count FROM repositories GROUP BY type' }) sql: string;
  @ApiProperty({ example: 'Repository type distribution' }) description: string;
}

export class QueryTemplatesDto {
  @ApiProperty({ type: [QueryTemplateDto] }) templates: QueryTemplateDto[];
}

export class ConsoleResultDto {
  @ApiProperty({ type: [String], example: ['type', 'count'] }) columns: string[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, example: [{ type: 'model', count: '3' }] }) rows: Record<string, unknown>[];
  @ApiProperty({ example: 1 }) count: number;
  @ApiProperty({ example: 2 }) column_count: number;
  @ApiProperty({ example: false, description: 'More than 1,000 rows: only the first 1,000 are here' }) truncated: boolean;
}
