import nunjucks from 'nunjucks';
import { join } from 'node:path';
import { addI18nGlobals, projectRoot } from '../../../platform/views/views';
import { DEFAULT_LOCALE, isLocale, t, withLocale } from '../../../platform/i18n/i18n';

/**
 * One template per message, typed by its data. Each renders in a strict environment: a template that refers to data
 * it was not given fails instead of sending a blank.
 * - e-mails: a subject, a plain-text and an HTML body from `views/mail/<name>.{subject,text,html}.njk`;
 * - text messages: `views/sms/<name>.text.njk`.
 */
export interface TemplateData {
  'test-email': { sentAt: string };
  'account-activation': { givenName: string; identifier: string; activationUrl: string; deadline: string };
  /** Someone registered with an address that already has an account: its holder is told, nobody else. */
  'registration-email-taken': { signInUrl: string };
  /** Sent once, a few days before an unactivated account is deleted, with a new activation link. */
  'activation-reminder': { givenName: string; identifier: string; activationUrl: string; deadline: string };
  /**
   * An account created for the person by someone else (`invitedBy`: « Martin SARL », an administrator's name): the
   * link leads to the page where the person chooses their own password. `reminder`: sent again before it expires.
   */
  'account-invitation': {
    givenName: string;
    identifier: string;
    invitedBy: string;
    invitationUrl: string;
    deadline: string;
    reminder: boolean;
  };
  /** `smsUnavailable`: the person asked for an SMS code but the account has no verified mobile. */
  'password-reset': {
    givenName: string;
    identifier: string;
    resetUrl: string;
    minutes: number;
    smsUnavailable: boolean;
  };
  'password-changed': { givenName: string; identifier: string; changedAt: string; recoveryUrl: string };
  'identifier-reminder': { givenName: string; identifier: string; signInUrl: string };
  /** To the new address: the link that makes it the account's. */
  'email-change-confirm': {
    givenName: string;
    identifier: string;
    newEmail: string;
    confirmUrl: string;
    hours: number;
  };
  /** To the old address, when a change is asked for. */
  'email-change-warning': { givenName: string; identifier: string; newEmail: string; recoveryUrl: string };
  'account-deleted': { givenName: string; identifier: string; deletedAt: string };
  /**
   * « Gestion des Comptes »: to a company account's responsable when the account's password is changed or reset (the
   * declarations portal's notice). `salutation`: « Madame », « Monsieur » or « Madame, Monsieur ».
   */
  'company-password-changed': { salutation: string; accountName: string; changedAt: string };
  /** « Remise de codes d'accès » of a subscription, with the paragraph telling its account-management mode. */
  'subscription-access-codes': {
    subscriber: string;
    products: string[];
    login: string;
    password: string;
    modeTitle: string;
    modeParagraphs: string[];
    modeChangeNote: string;
    signInUrl: string;
  };
  /** An existing account was given access to a subscription's products by its administrator (no second account). */
  'subscription-access-granted': {
    grantedBy: string;
    subscriber: string;
    products: string[];
    subscriptionsUrl: string;
  };
  /** To a subscription's administrators, 30 then 7 days before its last day. */
  'subscription-expiry-warning': { subscriber: string; endsOn: string; days: number; subscriptionsUrl: string };
  /** A digest (see `DIGEST_WINDOWS`): the items enqueued for one person over the window, in one e-mail. */
  'activity-digest': { items: DigestItem[] };
  /** The client space's digest (seed: the link, the type and number of items shared, the dossiers concerned). */
  'client-space-digest': { items: ClientSpaceDigestItem[] };
}

export interface ClientSpaceDigestItem {
  /** What was shared (`document`, `rdv`, `facture`, `tache`, `temps`, `frais`), or `acces`: the space was opened. */
  kind: 'acces' | 'document' | 'rdv' | 'facture' | 'tache' | 'temps' | 'frais';
  firm: string;
  /** « 2017IIDOS/1529 - ALEXAN »; empty for `acces`. */
  dossier: string;
  title: string;
}

export interface DigestItem {
  /** One line: « Maître Dupont a partagé « Statuts.pdf » dans le dossier Création SARL ». */
  text: string;
  /** A path under PUBLIC_URL (`/compte/...`) where the person sees it. */
  path?: string;
}

export type TemplateName = keyof TemplateData;
export const TEMPLATE_NAMES: readonly TemplateName[] = [
  'test-email',
  'account-activation',
  'registration-email-taken',
  'activation-reminder',
  'account-invitation',
  'password-reset',
  'password-changed',
  'identifier-reminder',
  'email-change-confirm',
  'email-change-warning',
  'account-deleted',
  'company-password-changed',
  'activity-digest',
  'client-space-digest',
  'subscription-access-codes',
  'subscription-access-granted',
  'subscription-expiry-warning',
];

/** Digest templates and how long a digest stays open after its first item, in milliseconds. */
export const DIGEST_WINDOWS = {
  'activity-digest': 10 * 60 * 1000,
  'client-space-digest': 10 * 60 * 1000,
} as const satisfies Partial<Record<TemplateName, number>>;
export type DigestTemplateName = keyof typeof DIGEST_WINDOWS;
export type DigestItemOf<N extends DigestTemplateName> = TemplateData[N]['items'][number];

export interface SmsTemplateData {
  'test-sms': { sentAt: string };
  'activation-code': { code: string; minutes: number };
  'password-reset-code': { code: string; minutes: number };
}

export type SmsTemplateName = keyof SmsTemplateData;
export const SMS_TEMPLATE_NAMES: readonly SmsTemplateName[] = ['test-sms', 'activation-code', 'password-reset-code'];

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const environments = new Map<boolean, nunjucks.Environment>();

/** HTML parts are escaped; subject and text are not (they are not HTML). */
function env(autoescape: boolean): nunjucks.Environment {
  let environment = environments.get(autoescape);
  if (!environment) {
    environment = new nunjucks.Environment(new nunjucks.FileSystemLoader(join(projectRoot(), 'src')), {
      autoescape,
      throwOnUndefined: true,
    });
    addI18nGlobals(environment);
    environments.set(autoescape, environment);
  }
  return environment;
}

/**
 * Renders an e-mail in its recipient's language (`locale` in its data, French without); `publicUrl` makes every link
 * absolute. Throws when data is missing.
 */
export function renderMail<N extends TemplateName>(name: N, data: TemplateData[N], publicUrl: string): RenderedMail {
  const locale = (data as { locale?: unknown }).locale;
  return withLocale(isLocale(locale) ? locale : DEFAULT_LOCALE, () => renderMailInLocale(name, data, publicUrl));
}

function renderMailInLocale<N extends TemplateName>(name: N, data: TemplateData[N], publicUrl: string): RenderedMail {
  const context: Record<string, unknown> = { ...data, publicUrl, serviceName: t('mail:serviceName') };
  const render = (part: 'subject' | 'text' | 'html') =>
    env(part === 'html')
      .render(`modules/notifications/views/mail/${name}.${part}.njk`, context)
      .trim();
  const subject = render('subject').replace(/\s+/g, ' ');
  context.subject = subject;
  return { subject, text: render('text'), html: render('html') };
}

/**
 * Renders a text message (plain text, kept short: one SMS is 160 GSM characters) in its recipient's language (`locale`
 * in its data, French without). Throws when data is missing.
 */
export function renderSms<N extends SmsTemplateName>(name: N, data: SmsTemplateData[N], publicUrl: string): string {
  const locale = (data as { locale?: unknown }).locale;
  return withLocale(isLocale(locale) ? locale : DEFAULT_LOCALE, () =>
    env(false)
      .render(`modules/notifications/views/sms/${name}.text.njk`, {
        ...data,
        publicUrl,
        serviceName: t('mail:serviceName'),
      })
      .trim(),
  );
}
