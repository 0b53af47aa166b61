import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../../core/errors/domain-error';
import type { ProfileNamespace } from './profile-owners';
import type { OrgProfileSettingsDto, SocialMediaDto, UserSettingsDto } from './profile-settings.dto';
import { ProfilesRepository, type MemberRow, type OrgProfile, type ProfileChange, type SocialMedia, type UserProfile } from './profiles.repository';

/** Public profiles: what anyone may see of a user or an organization, and their settings. */
@Injectable()
export class ProfilesService {
  constructor(private readonly profiles: ProfilesRepository) {}

  async user(name: string, viewerId: number | null = null): Promise<UserProfile> {
    const user = await this.profiles.user(name, viewerId);
    if (!user) throw new NotFoundError(`User "${name}" not found`, 'UserNotFound');
    return user;
  }

  async org(name: string, viewerId: number | null = null): Promise<OrgProfile> {
    const org = await this.profiles.org(name, viewerId);
    if (!org) throw new NotFoundError(`Organization "${name}" not found`, 'OrgNotFound');
    return org;
  }

  async members(orgName: string, limit: number, offset: number): Promise<MemberRow[]> {
    await this.org(orgName);
    return this.profiles.members(orgName, limit, offset);
  }

  /** Applies validated settings to a namespace whose change the caller has been allowed (ProfileOwners). */
  async updateSettings(ns: ProfileNamespace, s: UserSettingsDto | OrgProfileSettingsDto): Promise<void> {
    const change: ProfileChange = {
      fullname: cleared(s.full_name),
      bio: cleared(s.bio),
      website: cleared(s.website),
      socialMedia: s.social_media === undefined ? undefined : handles(s.social_media),
    };
    if ('description' in s) change.description = cleared(s.description);
    await this.profiles.update(ns, change);
  }
}

/** Absent stays absent; "" and null clear. */
function cleared(v: string | null | undefined): string | null | undefined {
  return v === undefined ? undefined : v === '' || v === null ? null : v;
}

/** The handles that were given, without a leading @; none at all clears the field. */
function handles(s: SocialMediaDto | null): SocialMedia | null {
  if (!s) return null;
  const out: SocialMedia = {};
  for (const key of ['twitter_x', 'threads', 'github', 'huggingface'] as const) {
    const v = s[key];
    if (v) out[key] = v.replace(/^@/, '');
  }
  return Object.keys(out).length ? out : null;
}
