import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { types } from 'pg';
import { dataSourceOptions } from './data-source-options';

// bigint columns (ids, byte counts) as JS numbers: every value Hangar stores is below 2^53.
types.setTypeParser(20, (value) => Number(value));

@Module({})
export class DatabaseModule {
  static forRoot(url: string, poolSize: number): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forRoot({ ...dataSourceOptions(url, poolSize), autoLoadEntities: true })],
    };
  }
}
