import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { OptionalPrincipal } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/principal';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { RepoInfoDto } from '../dto/repos.dto';
import { RepoListingService } from '../repo-listing.service';
import { UsersService } from '../../auth/accounts/users.service';
import { NotFoundError } from '../../core/errors/domain-error';

export class UserReposDto {
  @ApiProperty({ type: [RepoInfoDto] }) models: RepoInfoDto[];
  @ApiProperty({ type: [RepoInfoDto] }) datasets: RepoInfoDto[];
  @ApiProperty({ type: [RepoInfoDto] }) spaces: RepoInfoDto[];
}

@ApiTags('repositories')
@ApiErrorResponses(404)
@Controller('api/users')
export class UserReposController {
  constructor(
    private readonly listing: RepoListingService,
    private readonly users: UsersService,
  ) {}

  @Get(':username/repos')
  @ApiOperation({ summary: "A user's or organization's repositories by type (private ones only for those who may read them)" })
  @ApiOkResponse({ type: UserReposDto })
  async listNamespaceRepos(@OptionalPrincipal() principal: Principal | null, @Param('username') username: string): Promise<UserReposDto> {
    const ns = await this.users.findNamespace(username);
    if (!ns) throw new NotFoundError(`Namespace "${username}" not found`, 'NamespaceNotFound');
    const of = async (type: 'model' | 'dataset' | 'space') => (await this.listing.list(principal, type, { author: ns.name, limit: 1000, sort: 'lastModified' })).items;
    return { models: await of('model'), datasets: await of('dataset'), spaces: await of('space') };
  }
}
