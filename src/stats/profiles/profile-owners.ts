import { Injectable } from '@nestjs/common';
import { OrgsService } from '../../auth/orgs/orgs.service';
import type { Principal } from '../../auth/principal';
import { ForbiddenError, NotFoundError } from '../../core/errors/domain-error';
import { ProfilesRepository } from './profiles.repository';

export type ProfileKind = 'user' | 'org';

/** A user's or organization's namespace, as profile, avatar and follow routes address it. */
export interface ProfileNamespace {
  id: number;
  name: string;
  kind: ProfileKind;
}

/**
 * The one decision about whose profile (settings, avatar) a caller may change: a user their own,
 * an organization's admins the organization's. The admin API passes by `find` alone.
 */
@Injectable()
export class ProfileOwners {
  constructor(
    private readonly profiles: ProfilesRepository,
    private readonly orgs: OrgsService,
  ) {}

  async find(kind: ProfileKind, name: string): Promise<ProfileNamespace> {
    const ns = await this.profiles.namespace(kind, name);
    if (ns) return ns;
    throw kind === 'user' ? new NotFoundError(`User "${name}" not found`, 'UserNotFound') : new NotFoundError(`Organization "${name}" not found`, 'OrgNotFound');
  }

  async editable(principal: Principal, kind: ProfileKind, name: string): Promise<ProfileNamespace> {
    const ns = await this.find(kind, name);
    if (kind === 'org') await this.orgs.requireAdmin(principal, ns.name);
    else if (ns.id !== principal.user.id) throw new ForbiddenError(`Only "${ns.name}" can change their own profile`, 'NotProfileOwner');
    return ns;
  }
}
