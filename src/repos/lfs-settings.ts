import type { HangarConfig } from '../core/config/config';

/** A repository's own LFS settings; null means "use the server default". */
export interface RepoLfsSettings {
  thresholdBytes: number | null;
  suffixRules: string[] | null;
  keepVersions: number | null;
}

export interface EffectiveSetting<T> {
  value: T;
  effective: T;
  source: 'repository' | 'server_default';
}

/** Each setting with the value in force and where it comes from (KohakuHub's "LFS Settings" shape). */
export function effectiveLfsSettings(own: RepoLfsSettings, config: HangarConfig) {
  const pick = <T>(value: T | null, fallback: T): EffectiveSetting<T | null> =>
    value === null ? { value: null, effective: fallback, source: 'server_default' } : { value, effective: value, source: 'repository' };
  return {
    threshold: pick(own.thresholdBytes, config.commits.lfsThresholdBytes) as EffectiveSetting<number | null> & { effective: number },
    suffixRules: pick(own.suffixRules, config.commits.lfsSuffixRules) as EffectiveSetting<string[] | null> & { effective: string[] },
    keepVersions: pick(own.keepVersions, config.commits.lfsKeepVersions),
  };
}

/** Is this file LFS by the repository's size threshold or suffix rules? */
export function isLfsBySettings(path: string, size: number, threshold: number, suffixes: string[]): boolean {
  const lower = path.toLowerCase();
  return size >= threshold || suffixes.some((s) => lower.endsWith(s.toLowerCase()));
}
