import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../../core/errors/domain-error';
import { ProfilesRepository, type MemberRow, type OrgProfile, type UserProfile } from './profiles.repository';

/** Public profiles: what anyone may see of a user or an organization. */
@Injectable()
export class ProfilesService {
  constructor(private readonly profiles: ProfilesRepository) {}

  async user(name: string): Promise<UserProfile> {
    const user = await this.profiles.user(name);
    if (!user) throw new NotFoundError(`User "${name}" not found`, 'UserNotFound');
    return user;
  }

  async org(name: string): Promise<OrgProfile> {
    const org = await this.profiles.org(name);
    if (!org) throw new NotFoundError(`Organization "${name}" not found`, 'OrgNotFound');
    return org;
  }

  async members(orgName: string, limit: number, offset: number): Promise<MemberRow[]> {
    await this.org(orgName);
    return this.profiles.members(orgName, limit, offset);
  }
}
