import type { FallbackSourceDto } from './dto/fallback-sources.dto';
import type { FallbackSourceInput } from './fallback-source.types';
import type { CreateFallbackSourceDto, UpdateFallbackSourceDto } from './dto/fallback-sources.dto';
import type { FallbackSourceView } from './fallback-sources.service';

export function toFallbackSourceDto(s: FallbackSourceView): FallbackSourceDto {
  return {
    id: s.id,
    namespace: s.namespace,
    url: s.url,
    token: s.tokenPreview,
    token_set: s.tokenPreview !== null,
    priority: s.priority,
    name: s.name,
    source_type: s.sourceType,
    enabled: s.enabled,
    allow_patterns: s.allowPatterns,
    deny_patterns: s.denyPatterns,
    created_at: new Date(s.createdAt).toISOString(),
    updated_at: new Date(s.updatedAt).toISOString(),
  };
}

/** The request's fields as the service names them; absent fields stay undefined (an update keeps them). */
export function fromUpdateDto(b: UpdateFallbackSourceDto): Partial<FallbackSourceInput> {
  return {
    namespace: b.namespace,
    url: b.url,
    token: b.token,
    priority: b.priority,
    name: b.name,
    sourceType: b.source_type,
    enabled: b.enabled,
    allowPatterns: b.allow_patterns,
    denyPatterns: b.deny_patterns,
  };
}

export function fromCreateDto(b: CreateFallbackSourceDto): FallbackSourceInput {
  return {
    namespace: b.namespace ?? '',
    url: b.url,
    token: b.token ?? null,
    priority: b.priority ?? 100,
    name: b.name,
    sourceType: b.source_type,
    enabled: b.enabled ?? true,
    allowPatterns: b.allow_patterns ?? [],
    denyPatterns: b.deny_patterns ?? [],
  };
}
