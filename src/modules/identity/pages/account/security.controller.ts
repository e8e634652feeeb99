import { Controller, Get, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentSession, SignedIn, type SignedInContext } from '../../../../platform/http/access-policy';
import { currentLocale, t } from '../../../../platform/i18n/i18n';
import { AccountAccessPort } from '../../account-access';
import { localDateTime } from '../../french-dates';
import { renderAccountPage } from './account-page';

/** « Mon compte › Sécurité »: the open sessions (ended one by one) and the sites given access (withdrawn). */
@SignedIn()
@Controller('compte/securite')
export class SecurityController {
  constructor(private readonly access: AccountAccessPort) {}

  @Get()
  async security(@CurrentSession() me: SignedInContext, @Res() res: Response): Promise<void> {
    await this.render(res, me);
  }

  @Post('sessions/:uid/deconnecter')
  async endSession(@CurrentSession() me: SignedInContext, @Param('uid') uid: string, @Res() res: Response) {
    const ended = await this.access.endSession(me.account.id, uid.slice(0, 255));
    await this.render(res.status(ended ? 200 : 404), me, ended ? t('account:security.sessionEnded') : undefined);
  }

  @Post('sites/:clientId/retirer')
  async revokeSite(@CurrentSession() me: SignedInContext, @Param('clientId') clientId: string, @Res() res: Response) {
    const revoked = await this.access.revokeSite(me.account.id, clientId.slice(0, 255));
    await this.render(res.status(revoked ? 200 : 404), me, revoked ? t('account:security.siteRevoked') : undefined);
  }

  private async render(res: Response, me: SignedInContext, notice?: string): Promise<void> {
    const sessions = await this.access.sessions(me.account.id, me.session.oidcSid);
    renderAccountPage(res, 'security', t('account:security.title'), {
      notice,
      sessions: sessions.map((s) => ({
        ...s,
        device: describeDevice(s.userAgent),
        signedInAt: localDateTime(s.signedInAt, currentLocale()),
        lastSeenAt: s.lastSeenAt ? localDateTime(s.lastSeenAt, currentLocale()) : undefined,
      })),
      sites: await this.access.consentedSites(me.account.id),
    });
  }
}

/** « Firefox sur Linux » (« Firefox on Linux »), from the User-Agent header; good enough to recognise one's devices. */
function describeDevice(userAgent: string | null): string {
  if (!userAgent) return t('account:security.unknownDevice');
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrome\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : t('account:security.browser');
  const system = /Android/.test(userAgent)
    ? 'Android'
    : /iPhone|iPad/.test(userAgent)
      ? 'iOS'
      : /Windows/.test(userAgent)
        ? 'Windows'
        : /Mac OS X/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : t('account:security.unknownSystem');
  return t('account:security.device', { browser, system });
}
