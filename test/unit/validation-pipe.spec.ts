import type { ArgumentMetadata } from '@nestjs/common';
import { IsBoolean, IsInt, IsOptional, IsString, Min } from 'class-validator';
import { Transform } from 'class-transformer';
import { ValidationError } from '../../src/core/errors/domain-error';
import { HangarValidationPipe } from '../../src/core/errors/validation';

class OptionalQuery {
  @IsOptional()
  @IsBoolean()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  download?: boolean;
}

class RequiredQuery {
  @IsString()
  search!: string;
}

class DefaultedQuery {
  @IsOptional()
  @IsInt()
  @Min(1)
  limit: number = 50;
}

const query = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'query', metatype, data: undefined });

describe('HangarValidationPipe, empty query strings (the fast path)', () => {
  it('gives each request a fresh instance of the DTO, with its defaults', async () => {
    const pipe = new HangarValidationPipe();
    for (let i = 0; i < 3; i++) {
      const out = await pipe.transform({}, query(DefaultedQuery));
      expect(out).toBeInstanceOf(DefaultedQuery);
      expect(out).toEqual({ limit: 50 });
      (out as DefaultedQuery).limit = 7; // a handler changing its copy changes no other request's
    }
    expect(await pipe.transform(Object.create(null), query(OptionalQuery))).toBeInstanceOf(OptionalQuery);
  });

  it('still refuses an empty query when the DTO requires a field, every time', async () => {
    const pipe = new HangarValidationPipe();
    for (let i = 0; i < 3; i++) await expect(Promise.resolve(pipe.transform({}, query(RequiredQuery)))).rejects.toBeInstanceOf(ValidationError);
  });

  it('validates and transforms non-empty queries as before', async () => {
    const pipe = new HangarValidationPipe();
    await pipe.transform({}, query(OptionalQuery));
    expect(await pipe.transform({ download: 'true' }, query(OptionalQuery))).toEqual({ download: true });
    await expect(Promise.resolve(pipe.transform({ download: 'maybe' }, query(OptionalQuery)))).rejects.toBeInstanceOf(ValidationError);
    expect(await pipe.transform({ 'download[]': 'false', other: 'x' }, query(OptionalQuery))).toEqual({ download: false });
  });
});
