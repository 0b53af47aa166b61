import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal';
import { BadRequestError } from '../../core/errors/domain-error';
import { ProfileOwners, type ProfileKind } from '../profiles/profile-owners';
import { FollowsRepository, type FollowRow } from './follows.repository';

/** Any signed-in user may follow any other user or organization, but not themselves. */
@Injectable()
export class FollowsService {
  constructor(
    private readonly follows: FollowsRepository,
    private readonly owners: ProfileOwners,
  ) {}

  async follow(principal: Principal, kind: ProfileKind, name: string): Promise<number> {
    const ns = await this.owners.find(kind, name);
    if (ns.id === principal.user.id) throw new BadRequestError('You cannot follow yourself', 'CannotFollowSelf');
    return this.follows.follow(principal.user.id, ns.id);
  }

  async unfollow(principal: Principal, kind: ProfileKind, name: string): Promise<number> {
    const ns = await this.owners.find(kind, name);
    return this.follows.unfollow(principal.user.id, ns.id);
  }

  async followers(kind: ProfileKind, name: string, limit: number, offset: number): Promise<FollowRow[]> {
    return this.follows.followersOf((await this.owners.find(kind, name)).id, limit, offset);
  }

  async following(username: string, limit: number, offset: number): Promise<FollowRow[]> {
    return this.follows.followedBy((await this.owners.find('user', username)).id, limit, offset);
  }
}
