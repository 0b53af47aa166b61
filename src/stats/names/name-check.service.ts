import { Injectable } from '@nestjs/common';
import { nameProblem } from '../../auth/names';
import type { Principal } from '../../auth/principal';
import { DomainError } from '../../core/errors/domain-error';
import { RepoListingService } from '../../repos/repo-listing.service';
import { assertValidRepoName } from '../../repos/repo-names';
import type { RepoType } from '../../repos/repo.types';
import { NameCheckRepository } from './name-check.repository';

export interface NameCheck {
  available: boolean;
  normalized_name: string;
  conflict_with: string | null;
  message: string;
}

/**
 * The reference's normalized form (lower case, `-` and `.` as `_`), reported for its clients.
 * Hangar itself refuses only names equal ignoring case, so that is what makes a conflict here.
 */
export function normalizedName(name: string): string {
  return name.toLowerCase().replace(/[-.]/g, '_');
}

/** Whether a user, organization or repository name could be taken now; the same rules creation applies. */
@Injectable()
export class NameCheckService {
  constructor(
    private readonly names: NameCheckRepository,
    private readonly listing: RepoListingService,
  ) {}

  async namespaceName(name: string): Promise<NameCheck> {
    const normalized = normalizedName(name);
    const problem = nameProblem(name);
    if (problem === 'InvalidName') return refused(normalized, `"${name.slice(0, 64)}" is not a valid name: use 2-42 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`);
    if (problem === 'ReservedName') return refused(normalized, `"${name}" is reserved`);
    const taken = await this.names.namespace(name);
    if (taken) return { available: false, normalized_name: normalized, conflict_with: taken.name, message: `Name conflicts with existing ${taken.kind === 'org' ? 'organization' : 'user'}: ${taken.name} (case-insensitive)` };
    return { available: true, normalized_name: normalized, conflict_with: null, message: 'Name is available' };
  }

  async repoName(principal: Principal | null, type: RepoType, namespace: string, name: string): Promise<NameCheck> {
    const normalized = normalizedName(name);
    try {
      assertValidRepoName(name);
    } catch (err) {
      if (err instanceof DomainError) return refused(normalized, err.message);
      throw err;
    }
    const taken = await this.names.repo(type, namespace, name);
    // A private repository does not exist for those who may not read it (nor may they create beside it).
    const visible = taken && (!taken.private || (await this.listing.visibleNamespaces(principal)).includes(taken.namespaceId));
    if (taken && visible) {
      return { available: false, normalized_name: normalized, conflict_with: `${taken.namespace}/${taken.name}`, message: `Repository name conflicts with existing repository: ${taken.name} (case-insensitive)` };
    }
    return { available: true, normalized_name: normalized, conflict_with: null, message: 'Repository name is available' };
  }
}

function refused(normalized: string, message: string): NameCheck {
  return { available: false, normalized_name: normalized, conflict_with: null, message };
}
