import { ArgumentMetadata, Injectable, PipeTransform, ValidationError as ClassValidatorError, ValidationPipe } from '@nestjs/common';
import { ValidationError } from './domain-error';

const STRICT_INPUT = 'hangar:strict-input';

/**
 * Marks a DTO whose unknown fields are refused (400 naming them) instead of ignored: Hangar's
 * own APIs that no HF client calls (the admin API; registration, login, token creation),
 * where a misspelt option must not pass silently. Everything else is lenient, as the HF routes
 * must be: the clients send keys and fields Hangar does not use.
 */
export function StrictInput(): ClassDecorator {
  return (target) => Reflect.defineMetadata(STRICT_INPUT, true, target);
}

/**
 * The global validation pipe: DTOs are transformed and validated, and every failure becomes a
 * 400 `ValidationError` naming the field, through the same HF filter. Unknown query keys and
 * body fields are dropped (refused only for @StrictInput DTOs); `key[]=` in a query string means
 * `key=` (what @huggingface/hub's repoExists sends as `expand[]`).
 */
@Injectable()
export class HangarValidationPipe implements PipeTransform {
  private readonly lenient = buildPipe(false);
  private readonly strict = buildPipe(true);
  /**
   * Query DTOs for which an empty query string validates to what their constructor makes. Most
   * requests (every resolve HEAD) send no query at all: those skip class-transformer and
   * class-validator, which cost more than the rest of such a request's routing.
   */
  private readonly emptyQueryIsDefault = new WeakMap<object, boolean>();

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const input = metadata.type === 'query' ? withoutBracketKeys(value) : value;
    const metatype = metadata.metatype;
    const strict = typeof metatype === 'function' && Reflect.getOwnMetadata(STRICT_INPUT, metatype) === true;
    const pipe = strict ? this.strict : this.lenient;
    if (metadata.type !== 'query' || typeof metatype !== 'function' || !isEmptyObject(input)) return pipe.transform(input, metadata);
    const known = this.emptyQueryIsDefault.get(metatype);
    if (known === true) return new (metatype as new () => unknown)();
    return this.learnEmptyQuery(pipe, input, metadata, metatype as new () => unknown);
  }

  /** The full pipe on an empty query, remembering whether its result is just `new Dto()`. */
  private async learnEmptyQuery(pipe: ValidationPipe, input: unknown, metadata: ArgumentMetadata, metatype: new () => unknown): Promise<unknown> {
    let result: unknown;
    try {
      result = await pipe.transform(input, metadata);
    } catch (err) {
      this.emptyQueryIsDefault.set(metatype, false);
      throw err;
    }
    this.emptyQueryIsDefault.set(metatype, result instanceof metatype && JSON.stringify(result) === JSON.stringify(new metatype()));
    return result;
  }
}

function isEmptyObject(value: unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  for (const _ in value) return false;
  return true;
}

export function createValidationPipe(): HangarValidationPipe {
  return new HangarValidationPipe();
}

function buildPipe(strict: boolean): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: strict,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => {
      const messages = flatten(errors);
      return new ValidationError(messages.join('; '), { fields: [...new Set(errors.map((e) => e.property))] });
    },
  });
}

/** `{ 'expand[]': ['a'], expand: 'b' }` → `{ expand: ['b', 'a'] }`. */
function withoutBracketKeys(query: unknown): unknown {
  if (!query || typeof query !== 'object' || Array.isArray(query)) return query;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query as Record<string, unknown>)) {
    const name = key.endsWith('[]') ? key.slice(0, -2) : key;
    if (!(name in out)) out[name] = value;
    else out[name] = [...[out[name]].flat(), ...[value].flat()];
  }
  return out;
}

function flatten(errors: ClassValidatorError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => (m.startsWith(e.property) ? `${prefix ? prefix + '.' : ''}${m}` : `${field}: ${m}`));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}
