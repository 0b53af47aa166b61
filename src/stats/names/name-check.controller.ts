import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { OptionalAuth, OptionalPrincipal } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/principal';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { NameCheckService } from './name-check.service';

export class CheckNameDto {
  @ApiProperty({ example: 'my-new-repo' }) @IsString() @MaxLength(200) name: string;
  @ApiPropertyOptional({ example: 'acme', description: 'With it, a repository name in this namespace is checked; without, a user or organization name' })
  @IsOptional()
  @IsString()
  @MaxLength(96)
  namespace?: string;
  @ApiPropertyOptional({ enum: ['model', 'dataset', 'space'], default: 'model' }) @IsOptional() @IsIn(['model', 'dataset', 'space']) type?: 'model' | 'dataset' | 'space';
}

export class CheckNameResultDto {
  @ApiProperty({ example: true }) available: boolean;
  @ApiProperty({ example: 'my_new_repo', description: 'Lower case, `-` and `.` as `_` (the reference\'s form; Hangar refuses only names equal ignoring case)' }) normalized_name: string;
  @ApiProperty({ example: null, nullable: true, type: String, description: 'The existing name it conflicts with' }) conflict_with: string | null;
  @ApiProperty({ example: 'Repository name is available' }) message: string;
}

@ApiTags('names')
@ApiErrorResponses(400)
@Controller('api/validate')
export class NameCheckController {
  constructor(private readonly names: NameCheckService) {}

  @Post('check-name')
  @HttpCode(200)
  @OptionalAuth()
  @ApiOperation({ summary: 'Whether a user, organization or repository name is free (case-insensitive conflicts, reserved and invalid names)' })
  @ApiOkResponse({ type: CheckNameResultDto })
  checkName(@OptionalPrincipal() principal: Principal | null, @Body() body: CheckNameDto): Promise<CheckNameResultDto> {
    return body.namespace ? this.names.repoName(principal, body.type ?? 'model', body.namespace, body.name) : this.names.namespaceName(body.name);
  }
}
