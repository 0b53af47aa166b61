import { Module } from '@nestjs/common';
import { WebUiController } from './web-ui.controller';

/** Serves the built frontend; AppModule imports it last so its catch-all route comes last. */
@Module({ controllers: [WebUiController] })
export class WebUiModule {}
