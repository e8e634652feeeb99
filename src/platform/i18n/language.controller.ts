import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../../config';
import { Public } from '../http/access-policy';
import { isLocale } from './i18n';
import { LOCALE_COOKIE } from './locale.middleware';

/** A path of this site to come back to (never another site: `//x`, `/\x` and absolute URLs go home). */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\'))
    return '/';
  return value.length > 2000 || /[\0\r\n]/.test(value) ? '/' : value;
}

/** The shell's « English / Français » switch: keeps the choice in a cookie for a year, then back to the page. */
@Controller('langue')
export class LanguageController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Public()
  @Get()
  choose(@Query('choix') choice: unknown, @Query('retour') returnTo: unknown, @Res() res: Response): void {
    if (isLocale(choice)) {
      res.cookie(LOCALE_COOKIE, choice, {
        maxAge: 365 * 24 * 3600_000,
        httpOnly: true,
        sameSite: 'lax',
        secure: this.config.publicUrl.startsWith('https:'),
        path: '/',
      });
    }
    res.redirect(303, safeReturnPath(returnTo));
  }
}
