import { Module } from '@nestjs/common';
import { ClientChatterController } from './client-chatter.controller';

/** Quiet answers to requests the HF clients send on their own (agent registry, telemetry). */
@Module({ controllers: [ClientChatterController] })
export class ClientChatterModule {}
