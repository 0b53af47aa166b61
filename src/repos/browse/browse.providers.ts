import { BrowseController } from './browse.controller';
import { BrowseService } from './browse.service';
import { ResolveController } from './resolve.controller';

/**
 * What ReposModule adds to its own arrays: the browse and download routes and their service.
 * They need VersionEngine (GitModule), RepositoriesRepository and RepoAccessService (for the
 * RepoAccess guard), and HANGAR_CONFIG (global).
 */
export const BROWSE_CONTROLLERS = [BrowseController, ResolveController];
export const BROWSE_PROVIDERS = [BrowseService];

export const browseProviders = { controllers: BROWSE_CONTROLLERS, providers: BROWSE_PROVIDERS };
