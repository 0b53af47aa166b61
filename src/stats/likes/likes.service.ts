import { Injectable } from '@nestjs/common';
import { UsersService } from '../../auth/accounts/users.service';
import type { Principal } from '../../auth/principal';
import { RepoListingService } from '../../repos/repo-listing.service';
import type { RepoRecord } from '../../repos/repo.types';
import { LikesRepository, type LikedRepo, type Liker } from './likes.repository';

/** Likes: anyone who may read a repository may like it (RepoAccess has decided that already). */
@Injectable()
export class LikesService {
  constructor(
    private readonly likes: LikesRepository,
    private readonly users: UsersService,
    private readonly listing: RepoListingService,
  ) {}

  like(principal: Principal, repo: RepoRecord): Promise<number> {
    return this.likes.like(repo.id, principal.user.id);
  }

  unlike(principal: Principal, repo: RepoRecord): Promise<number> {
    return this.likes.unlike(repo.id, principal.user.id);
  }

  async liked(principal: Principal | null, repo: RepoRecord): Promise<boolean> {
    return principal ? this.likes.liked(repo.id, principal.user.id) : false;
  }

  likers(repo: RepoRecord, limit: number, offset: number): Promise<Liker[]> {
    return this.likes.likers(repo.id, limit, offset);
  }

  /** A user's likes, less the private repositories the caller may not read. */
  async likedBy(principal: Principal | null, username: string, limit: number, offset: number): Promise<LikedRepo[]> {
    const user = await this.users.getByName(username);
    return this.likes.likedBy(user.id, await this.listing.viewer(principal), limit, offset);
  }
}
