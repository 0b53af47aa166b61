import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { ValidationError } from '../../core/errors/domain-error';
import { validateCardContent } from '../card-validation';

export class ValidateYamlDto {
  @ApiProperty({ example: '---\nlicense: mit\ntags: [demo]\n---\n# My model\n' })
  @IsString()
  @MaxLength(1024 * 1024)
  content: string;

  @ApiPropertyOptional({ enum: ['model', 'dataset', 'space'] })
  @IsOptional()
  @IsIn(['model', 'dataset', 'space'])
  repoType?: string;
}

export class YamlProblemDto {
  @ApiProperty({ example: 'No YAML metadata block found' }) message: string;
}

export class ValidateYamlResponseDto {
  @ApiProperty({ type: [YamlProblemDto], example: [], description: 'huggingface_hub reads each warning\'s `message`' }) warnings: YamlProblemDto[];
}

@ApiTags('repositories')
@ApiErrorResponses(400)
@Controller('api')
export class ValidateYamlController {
  @Post('validate-yaml')
  @HttpCode(200)
  @ApiOperation({ summary: 'Validate repo card metadata: 400 with `errors`, or 200 with `warnings`' })
  @ApiOkResponse({ type: ValidateYamlResponseDto })
  validateYaml(@Body() body: ValidateYamlDto): ValidateYamlResponseDto {
    const { errors, warnings } = validateCardContent(body.content);
    const asProblems = (list: string[]) => list.map((message) => ({ message }));
    if (errors.length) throw new ValidationError(errors.join('; '), { errors: asProblems(errors), warnings: asProblems(warnings) });
    return { warnings: asProblems(warnings) };
  }
}
