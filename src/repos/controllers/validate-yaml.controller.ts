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
  @ApiOperation({ summary: 'Validate repo card metadata (license against the hub\'s list): 400 with `errors` (plain text with Accept: text/plain), or 200 with `warnings`' })
  @ApiOkResponse({ type: ValidateYamlResponseDto })
  validateYaml(@Body() body: ValidateYamlDto): ValidateYamlResponseDto {
    const { errors, warnings } = validateCardContent(body.content);
    const asProblems = (list: string[]) => list.map((message) => ({ message }));
    // The hub's wording, one line per problem; huggingface_hub shows it as the ValueError's text
    // (it asks with `Accept: text/plain`, which the error filter honours).
    if (errors.length) throw new ValidationError(errors.map((e) => `- Error: ${e}`).join('\n'), { errors: asProblems(errors), warnings: asProblems(warnings) });
    return { warnings: asProblems(warnings) };
  }
}
