import { Controller, Get, NotFoundException, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { uiShellFor, wantsHtml } from './ui-routes';
import { sendShell } from './web-assets';

/**
 * The hub (`/`) and the admin dashboard (`/admin`) are single-page apps: a browser navigation
 * to one of their client routes gets the app's HTML shell. Registered after every other
 * module, so it sees only paths no API route matched; anything else answers the 404 it always did.
 */
@ApiExcludeController()
@Controller()
export class WebUiController {
  @Get(['/', '*path'])
  shell(@Req() req: Request, @Res() res: Response): void {
    const shell = uiShellFor(req.path);
    if (!shell || !wantsHtml(req.headers.accept)) throw new NotFoundException(`Cannot ${req.method} ${req.path}`);
    sendShell(res, shell);
  }
}
