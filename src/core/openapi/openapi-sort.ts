import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * Canonical ordering for the committed openapi.json: Swagger emits paths and schemas in module
 * scan / declaration order, so moving a controller or a DTO field would reshuffle the file and
 * bury the real change in the diff.
 */
export const METHOD_ORDER = ['get', 'head', 'post', 'put', 'patch', 'delete', 'options', 'trace'] as const;

type Json = Record<string, unknown>;

/** Locale-independent, like Array#sort's default: the same order on every machine. */
const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function sortKeys<T>(obj: Record<string, T>, map: (v: T) => T = (v) => v): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(obj).sort()) out[key] = map(obj[key]);
  return out;
}

/** Sorts `properties` (and `required`) in a schema and every schema nested in it. */
export function sortSchema(schema: unknown): unknown {
  if (!isObject(schema)) return schema;
  const out: Json = { ...schema };
  if (isObject(out.properties)) out.properties = sortKeys(out.properties, sortSchema);
  if (Array.isArray(out.required)) out.required = [...(out.required as string[])].sort();
  for (const key of ['items', 'additionalProperties', 'not']) {
    if (isObject(out[key])) out[key] = sortSchema(out[key]);
  }
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    if (Array.isArray(out[key])) out[key] = (out[key] as unknown[]).map(sortSchema);
  }
  return out;
}

/** `content: { mime: { schema } }` as found in request bodies and responses. */
function sortContent(content: unknown): unknown {
  if (!isObject(content)) return content;
  return sortKeys(content, (media) => (isObject(media) && 'schema' in media ? { ...media, schema: sortSchema(media.schema) } : media));
}

function sortOperation(op: unknown): unknown {
  if (!isObject(op)) return op;
  const out: Json = { ...op };
  if (Array.isArray(out.parameters)) {
    out.parameters = out.parameters.map((p) => (isObject(p) && 'schema' in p ? { ...p, schema: sortSchema(p.schema) } : p));
  }
  if (isObject(out.requestBody) && 'content' in out.requestBody) {
    out.requestBody = { ...out.requestBody, content: sortContent(out.requestBody.content) };
  }
  if (isObject(out.responses)) {
    out.responses = sortKeys(out.responses, (r) => (isObject(r) && 'content' in r ? { ...r, content: sortContent(r.content) } : r));
  }
  return out;
}

/** Path-level fields (summary, parameters) first, then the methods in METHOD_ORDER. */
function sortPathItem(item: unknown): unknown {
  if (!isObject(item)) return item;
  const methods = new Set<string>(METHOD_ORDER);
  const out: Json = {};
  for (const key of Object.keys(item).filter((k) => !methods.has(k)).sort()) out[key] = item[key];
  for (const method of METHOD_ORDER) if (method in item) out[method] = sortOperation(item[method]);
  return out;
}

/**
 * A copy of the document in canonical order: paths alphabetically, methods in METHOD_ORDER,
 * every components map (schemas, securitySchemes, …) alphabetically, schema properties
 * alphabetically at every depth, and the top-level tags list sorted by name and completed
 * with every tag an operation uses (Swagger UI shows groups in that order).
 */
export function sortOpenApiDocument(doc: OpenAPIObject): OpenAPIObject {
  const paths = sortKeys(doc.paths as Record<string, unknown>, sortPathItem);

  const tags = new Map<string, Json>();
  for (const tag of doc.tags ?? []) tags.set(tag.name, { ...tag });
  for (const item of Object.values(paths)) {
    for (const method of METHOD_ORDER) {
      const op = isObject(item) ? item[method] : undefined;
      if (isObject(op) && Array.isArray(op.tags)) {
        for (const name of op.tags as string[]) if (!tags.has(name)) tags.set(name, { name });
      }
    }
  }

  let components: Json | undefined;
  if (doc.components) {
    components = sortKeys(doc.components as Record<string, unknown>, (section) =>
      isObject(section) ? sortKeys(section, (v) => v) : section,
    );
    if (isObject(components.schemas)) components.schemas = sortKeys(components.schemas, sortSchema);
  }

  // Fixed top-level order too, so a Swagger upgrade that reorders it does not churn the file.
  const { openapi, info, servers, security, externalDocs, paths: _paths, components: _components, tags: _tags, ...rest } =
    doc as OpenAPIObject & Json;
  const out: Json = { openapi, info };
  if (servers !== undefined) out.servers = servers;
  if (security !== undefined) out.security = security;
  if (externalDocs !== undefined) out.externalDocs = externalDocs;
  out.tags = [...tags.values()].sort((a, b) => byCodeUnit(String(a.name), String(b.name)));
  out.paths = paths;
  if (components) out.components = components;
  Object.assign(out, sortKeys(rest));
  return out as unknown as OpenAPIObject;
}
