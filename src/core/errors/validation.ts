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

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const input = metadata.type === 'query' ? withoutBracketKeys(value) : value;
    const strict = typeof metadata.metatype === 'function' && Reflect.getOwnMetadata(STRICT_INPUT, metadata.metatype) === true;
    return (strict ? this.strict : this.lenient).transform(input, metadata);
  }
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
