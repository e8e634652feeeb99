import { Controller, Get, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentSession, SignedIn, type SignedInContext } from '../../../../platform/http/access-policy';
import { AccountAccessPort } from '../../account-access';
import { frenchDateTime } from '../../french-dates';
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
    await this.render(res.status(ended ? 200 : 404), me, ended ? 'La session a été déconnectée.' : undefined);
  }

  @Post('sites/:clientId/retirer')
  async revokeSite(@CurrentSession() me: SignedInContext, @Param('clientId') clientId: string, @Res() res: Response) {
    const revoked = await this.access.revokeSite(me.account.id, clientId.slice(0, 255));
    await this.render(
      res.status(revoked ? 200 : 404),
      me,
      revoked ? 'L’accès du site a été retiré : il vous demandera de nouveau votre accord.' : undefined,
    );
  }

  private async render(res: Response, me: SignedInContext, notice?: string): Promise<void> {
    const sessions = await this.access.sessions(me.account.id, me.session.oidcSid);
    renderAccountPage(res, 'security', 'Sécurité', {
      notice,
      sessions: sessions.map((s) => ({
        ...s,
        device: describeDevice(s.userAgent),
        signedInAt: frenchDateTime(s.signedInAt),
        lastSeenAt: s.lastSeenAt ? frenchDateTime(s.lastSeenAt) : undefined,
      })),
      sites: await this.access.consentedSites(me.account.id),
    });
  }
}

/** « Firefox sur Linux », from the User-Agent header; good enough to recognise one's devices. */
function describeDevice(userAgent: string | null): string {
  if (!userAgent) return 'Appareil inconnu';
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrome\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : 'Navigateur';
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
            : 'système inconnu';
  return `${browser} sur ${system}`;
}
