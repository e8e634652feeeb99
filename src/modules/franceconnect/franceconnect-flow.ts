import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../../config';
import { AuditService } from '../../platform/audit';
import { SecretBox } from '../../platform/crypto/secret-box';
import { t } from '../../platform/i18n/i18n';
import {
  FranceConnectClient,
  FranceConnectFailure,
  type FranceConnectAttempt,
  type FranceConnectFailureCause,
  type FranceConnectSignIn,
} from './franceconnect.client';

const ATTEMPT_COOKIE = 'fc_tentative';
const RESULT_COOKIE = 'fc_resultat';
const LOGOUT_COOKIE = 'fc_deconnexion';
/** The person has this long at FC (choosing an identity provider, signing in). */
const ATTEMPT_MINUTES = 15;
/** And this long to finish at the platform (create an account, or prove the password of an existing one). */
const RESULT_MINUTES = 30;

interface PendingAttempt extends FranceConnectAttempt {
  uid: string;
}

interface PendingResult {
  uid: string;
  signIn: FranceConnectSignIn;
}

interface PendingLogout {
  state: string;
  next: string;
}

/** Failures as the person reads them: what happened, in French (`failureMessage`: in the request's language). */
export const FAILURE_MESSAGES: Record<FranceConnectFailureCause | 'expired', string> = {
  access_denied: 'Vous avez annulé la connexion avec FranceConnect, ou votre identité n’a pas pu être confirmée.',
  server_error: 'FranceConnect rencontre une difficulté momentanée et n’a pas pu vous identifier.',
  temporarily_unavailable: 'FranceConnect est momentanément indisponible.',
  fc_error: 'FranceConnect a refusé la demande de connexion.',
  state:
    'La réponse reçue ne correspond pas à votre demande de connexion : elle a pu expirer, ou venir d’un autre onglet.',
  issuer: 'La réponse reçue ne vient pas de FranceConnect : par sécurité, la connexion est refusée.',
  token: 'FranceConnect a refusé de transmettre votre identité à la plateforme (la demande a pu expirer).',
  fc_status: 'FranceConnect a répondu par une erreur technique et n’a pas transmis votre identité.',
  signature:
    'La signature des informations reçues de FranceConnect n’a pas pu être vérifiée : par sécurité, la connexion est refusée.',
  claims:
    'Les informations reçues de FranceConnect ne correspondent pas à votre demande de connexion : par sécurité, la connexion est refusée.',
  acr: 'Le niveau de sécurité de la connexion FranceConnect est insuffisant pour ce service.',
  unreachable: 'FranceConnect ne répond pas pour le moment : la plateforme n’a pas pu le joindre.',
  expired: 'Votre demande de connexion avec FranceConnect a expiré.',
};

/** A failure's message in the request's language (`franceconnect:failures.<reason>`). */
export function failureMessage(reason: keyof typeof FAILURE_MESSAGES): string {
  return t(`franceconnect:failures.${reason}`);
}

export type CallbackOutcome =
  | { uid: string; status: 'signed-in' }
  | { uid: string | undefined; status: 'failed'; reason: FranceConnectFailureCause | 'expired' };

/**
 * The browser's way through FC and back. The attempt's `state` and `nonce` travel in a sealed cookie scoped to
 * `/franceconnect`; the verified sign-in is handed to the interaction in another, scoped to `/interaction/<uid>`
 * (where the provider's own interaction cookie lives). The logout keeps its `state` and where to go next the same way.
 */
@Injectable()
export class FranceConnectFlow {
  private readonly box: SecretBox;
  private readonly secure: boolean;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly client: FranceConnectClient,
    private readonly audit: AuditService,
  ) {
    this.box = new SecretBox(config.secretKey, 'franceconnect-flow');
    this.secure = config.publicUrl.startsWith('https:');
  }

  get enabled(): boolean {
    return this.client.enabled;
  }

  /** Starts an attempt for the interaction `uid`: FC's authorization URL. */
  async start(res: Response, uid: string): Promise<URL> {
    const attempt = this.client.newAttempt();
    const url = await this.client.authorizationUrl(attempt);
    const pending: PendingAttempt = { ...attempt, uid };
    res.cookie(
      ATTEMPT_COOKIE,
      this.box.sealTicket(pending, ATTEMPT_MINUTES * 60_000),
      this.cookie('/franceconnect', ATTEMPT_MINUTES),
    );
    return url;
  }

  /** FC's redirect: checks and exchanges; on success the sign-in waits in a cookie for the interaction. */
  async callback(req: Request, res: Response): Promise<CallbackOutcome> {
    const pending = this.open<PendingAttempt>(req, ATTEMPT_COOKIE);
    res.clearCookie(ATTEMPT_COOKIE, this.cookie('/franceconnect'));
    if (!pending) {
      await this.recordFailure('expired', 'aucune tentative en cours dans ce navigateur');
      return { uid: undefined, status: 'failed', reason: 'expired' };
    }
    try {
      const signIn = await this.client.complete(new URL(req.originalUrl, this.config.publicUrl), pending);
      const result: PendingResult = { uid: pending.uid, signIn };
      res.cookie(
        RESULT_COOKIE,
        this.box.sealTicket(result, RESULT_MINUTES * 60_000),
        this.cookie(`/interaction/${pending.uid}`, RESULT_MINUTES),
      );
      return { uid: pending.uid, status: 'signed-in' };
    } catch (error) {
      if (!(error instanceof FranceConnectFailure)) throw error;
      await this.recordFailure(error.reason, error.detail);
      return { uid: pending.uid, status: 'failed', reason: error.reason };
    }
  }

  /** The verified sign-in waiting for the interaction `uid`, if any. */
  result(req: Request, uid: string): FranceConnectSignIn | undefined {
    const result = this.open<PendingResult>(req, RESULT_COOKIE);
    return result?.uid === uid ? result.signIn : undefined;
  }

  clearResult(res: Response, uid: string): void {
    res.clearCookie(RESULT_COOKIE, this.cookie(`/interaction/${uid}`));
  }

  /**
   * FC's logout for a provider session that just ended: the URL of FC's `session/end`, and the cookie that keeps its
   * `state` and where the platform's own logout goes next (`next`).
   */
  async logout(
    idToken: string,
    next: string,
    signedInAt?: Date,
  ): Promise<{ url: URL; cookie: { name: string; value: string } } | undefined> {
    const lifetime = this.config.franceconnect?.sessionLifetimeMinutes ?? 30;
    if (signedInAt && Date.now() - signedInAt.getTime() > lifetime * 60_000) {
      // FC's session has surely ended: its `session/end` would only show FC's error page. The platform's logout is
      // done; the person goes on to the platform's own destination.
      await this.audit.record({
        actor: { type: 'anonymous' },
        action: 'franceconnect.logout.skipped',
        outcome: 'success',
        details: { reason: `connexion FranceConnect de plus de ${lifetime} minutes` },
      });
      return undefined;
    }
    const state = randomBytes(32).toString('base64url');
    const url = await this.client.endSessionUrl(idToken, state);
    const pending: PendingLogout = { state, next };
    return { url, cookie: { name: LOGOUT_COOKIE, value: this.box.sealTicket(pending, ATTEMPT_MINUTES * 60_000) } };
  }

  get logoutCookieOptions() {
    return this.cookie('/franceconnect', ATTEMPT_MINUTES);
  }

  /** FC's return after `session/end`: where to continue when its `state` is the one sent, `undefined` otherwise. */
  async logoutReturned(req: Request, res: Response): Promise<string | undefined> {
    const pending = this.open<PendingLogout>(req, LOGOUT_COOKIE);
    res.clearCookie(LOGOUT_COOKIE, this.cookie('/franceconnect'));
    const state = typeof req.query.state === 'string' ? req.query.state : '';
    if (pending && state === pending.state) return pending.next;
    await this.audit.record({
      actor: { type: 'anonymous' },
      action: 'franceconnect.logout.unconfirmed',
      outcome: 'failure',
      details: { reason: pending ? 'state différent' : 'aucune déconnexion en cours dans ce navigateur' },
    });
    return undefined;
  }

  async recordFailure(reason: FranceConnectFailureCause | 'expired', detail: string): Promise<void> {
    await this.audit.record({
      actor: { type: 'anonymous' },
      action: 'franceconnect.sign_in.failed',
      outcome: 'failure',
      details: { reason, detail: detail.slice(0, 500) },
    });
  }

  private open<T extends object>(req: Request, name: string): T | undefined {
    return this.box.openTicket<T>((req.cookies as Record<string, string | undefined> | undefined)?.[name]);
  }

  private cookie(path: string, minutes?: number) {
    return {
      httpOnly: true,
      secure: this.secure,
      sameSite: 'lax' as const,
      path,
      ...(minutes ? { maxAge: minutes * 60_000 } : {}),
    };
  }
}
