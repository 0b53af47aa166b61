import { Global, Module } from '@nestjs/common';
import { EventLog } from './event-log';

/** The event log writer, for every module that reports what happens (the admin module streams it). */
@Global()
@Module({
  providers: [EventLog],
  exports: [EventLog],
})
export class EventsModule {}
