import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { PlatformError, PlatformErrorCode } from '../../../platform/errors';
import { Public } from '../../../platform/http/access-policy';
import { t } from '../../../platform/i18n/i18n';
import { noSoonerThan } from '../../../platform/http/minimum-duration';
import { codeFailure } from './code-messages';
import { isLinkToken } from './link-token';
import { renderActivated, renderActivationConfirm, renderActivationInvalidLink } from './activation-link-pages';
import type { AccountProfile } from '../entities/account.entity';
import { IdentityError, IdentityErrorCode } from '../identity.errors';
import { SignInThrottle } from '../sign-in.throttle';
import { identifierRule } from '../account-format';
import { LEGAL_VERSIONS } from '../legal';
import { occupationOptions } from '../registration-labels';
import { checkPassword, describePasswordProblems } from '../password-policy';
import { ActivationService, activationChoicePath } from '../activation.service';
import { IdentifierSuggestions } from '../identifier-suggestions';
import { REGISTRATION_FLOOR_MS, RegistrationService, type RegistrationForm } from '../registration.service';
import {
  ActivationChoiceFormDto,
  ActivationCodeFormDto,
  PasswordStrengthDto,
  RegistrationFormDto,
} from '../dto/registration-forms.dto';

/** The profiles offered, in this order; their names and descriptions are `registration:profiles.<profile>`. */
const PROFILES: readonly AccountProfile[] = ['citoyen', 'entreprise', 'association'];
const profileLabel = (profile: AccountProfile) => t(`registration:profiles.${profile}.label`);

const VIEWS = 'modules/identity/views/registration';
const TEXT_FIELDS = [
  'civility',
  'familyName',
  'usageName',
  'givenName',
  'birthDate',
  'email',
  'mobilePhone',
  'landlinePhone',
  'occupation',
  'jobTitle',
  'organisationName',
  'organisationNumber',
  'rna',
  'contractNumber',
  'identifier',
  'activationChannel',
  'identityDocumentKind',
] as const;
const CHECKBOXES = ['acceptTerms', 'acceptPrivacy', 'emailMailing', 'smsMailing'] as const;

/** « Créer mon compte »: profile choice, then one form per profile. */
@Controller('inscription')
export class RegistrationController {
  constructor(
    private readonly registration: RegistrationService,
    private readonly activation: ActivationService,
    private readonly identifiers: IdentifierSuggestions,
  ) {}

  @Public()
  @Get()
  choose(@Res() res: Response): void {
    res.render(`${VIEWS}/profile-choice.njk`, {
      profiles: PROFILES.map((slug) => ({
        slug,
        label: profileLabel(slug),
        detail: t(`registration:profiles.${slug}.detail`),
      })),
    });
  }

  /** The live availability check of the identifier field (forms.js). */
  @Public()
  @Get('identifiant-disponible')
  async identifierAvailable(@Query('valeur') value: unknown, @Res() res: Response): Promise<void> {
    const identifier = typeof value === 'string' ? value.trim().toLowerCase().slice(0, 100) : '';
    const status = await this.identifiers.status(identifier);
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      status,
      message:
        status === 'available'
          ? t('registration:identifier.available')
          : status === 'taken'
            ? t('registration:identifier.taken', { identifier })
            : identifierRule(),
    });
  }

  /** The identifier proposed as soon as the names are typed (forms.js): `prénom.nom`, made unique. */
  @Public()
  @Get('identifiant-propose')
  async proposeIdentifier(
    @Query('prenom') givenName: unknown,
    @Query('nom') familyName: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const given = typeof givenName === 'string' ? givenName.replace(/\0/g, '').slice(0, 100) : '';
    const family = typeof familyName === 'string' ? familyName.replace(/\0/g, '').slice(0, 100) : '';
    res.setHeader('Cache-Control', 'no-store');
    if (!given.trim() || !family.trim()) {
      res.json({ identifier: '', message: '' });
      return;
    }
    const identifier = await this.identifiers.propose(given, family);
    const available = (await this.identifiers.status(identifier)) === 'available';
    res.json({
      identifier: available ? identifier : '',
      message: available ? t('registration:identifier.available') : '',
    });
  }

  /** The live strength meter (forms.js): the same policy as the server applies when the form is sent. */
  @Public()
  @Post('force-mot-de-passe')
  strength(@Body() body: PasswordStrengthDto, @Res() res: Response): void {
    const password = body.password ?? '';
    const personal = (body.personal ?? []).map((v) => v.slice(0, 254)).slice(0, 10);
    const check = checkPassword(password, personal);
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json({
      strength: check.strength,
      accepted: check.problems.length === 0,
      rules: check.rules,
      message: check.problems.length ? describePasswordProblems(check.problems) : '',
    });
  }

  @Public()
  @Get(':profile')
  form(@Param('profile') profile: string, @Res() res: Response): void {
    // Entreprise: the registration in five steps (seed 004), `CompanyRegistrationController`.
    if (checkProfile(profile) === 'entreprise') return res.redirect(303, '/inscription/entreprise/etape/1');
    this.renderForm(res, checkProfile(profile), {}, {});
  }

  @Public()
  @Post(':profile')
  async register(
    @Param('profile') profileParam: string,
    @Body() body: RegistrationFormDto,
    @Res() res: Response,
  ): Promise<void> {
    const profile = checkProfile(profileParam);
    if (profile === 'entreprise') throw new PlatformError(PlatformErrorCode.NOT_FOUND);
    const values: Record<string, string | boolean> = {};
    for (const field of TEXT_FIELDS) values[field] = body[field] ?? '';
    for (const field of CHECKBOXES) values[field] = body[field] === 'oui';
    const form = {
      ...values,
      profile,
      password: body.password ?? '',
      passwordConfirmation: body.passwordConfirmation ?? '',
    } as RegistrationForm;
    const started = performance.now();
    try {
      const outcome = await this.registration.register(form);
      // A new account and an address already in use take different paths: the answer comes at the same time.
      await noSoonerThan(started, REGISTRATION_FLOOR_MS);
      if (outcome.next === 'choice') return res.redirect(303, activationChoicePath(this.activation.choice(outcome)));
      res.status(200).render('platform/views/message.njk', {
        title: t('registration:mailbox.title'),
        alert: { type: 'success', text: t('registration:mailbox.sent', { email: outcome.email }) },
        paragraphs: [
          t('registration:mailbox.open'),
          t('registration:mailbox.spam'),
          t('registration:mailbox.identifier', { identifier: outcome.identifier }),
        ],
      });
    } catch (error) {
      if (error instanceof IdentityError && error.code === (IdentityErrorCode.REGISTRATION_INVALID as string)) {
        const fields = error.fields ?? {};
        // Passwords that passed every rule are given back, so that an error elsewhere does not make them typed again.
        const passwords =
          fields.password || fields.passwordConfirmation
            ? {}
            : { password: form.password ?? '', passwordConfirmation: form.passwordConfirmation ?? '' };
        return this.renderForm(res.status(400), profile, values, fields, passwords);
      }
      throw error;
    }
  }

  private renderForm(
    res: Response,
    profile: AccountProfile,
    values: Record<string, unknown>,
    errors: Record<string, string[]>,
    passwords: { password?: string; passwordConfirmation?: string } = {},
  ): void {
    const errorCount = Object.keys(errors).length;
    res.render(`${VIEWS}/form.njk`, {
      title: t(errorCount ? 'registration:form.errorTitle' : 'registration:form.title', {
        profile: profileLabel(profile),
      }),
      profile,
      profileLabel: profileLabel(profile),
      values,
      errors,
      errorCount,
      passwords,
      occupations: occupationOptions(),
      legal: LEGAL_VERSIONS,
    });
  }
}

/** Activation: by the e-mail link (confirmed by a button, so that a mail scanner opening links does not use it), or by the SMS code. */
@Controller('activation')
export class ActivationController {
  constructor(
    private readonly activation: ActivationService,
    private readonly throttle: SignInThrottle,
  ) {}

  /** « Validation de votre compte » (seed 003, step 5): after the registration form, or a pending account's sign-in. */
  @Public()
  @Get('choix')
  showChoice(@Query('ticket') ticket: unknown, @Res() res: Response): void {
    const choice = this.activation.openChoice(typeof ticket === 'string' ? ticket : undefined);
    if (!choice) return this.expiredChoice(res.status(400));
    res.setHeader('Cache-Control', 'no-store');
    // After a sign-in refused for want of activation, the status says so, as the sign-in page did.
    res.status(choice.pendingSignIn ? 403 : 200).render(`${VIEWS}/activation-choice.njk`, { ...choice, ticket });
  }

  /** « Envoyer le code d'activation » / « Envoyer le lien d'activation » (page « Validation de votre compte »). */
  @Public()
  @Post('choix')
  async choose(@Body() body: ActivationChoiceFormDto, @Res() res: Response): Promise<void> {
    const channel = body.channel === 'sms' ? 'sms' : 'email';
    const sent = await this.activation.sendChosen(body.ticket, channel);
    if (!sent) return this.expiredChoice(res.status(400));
    if (sent.channel === 'sms') return res.redirect(303, `/activation/code/${sent.ticket}`);
    res.status(200).render('platform/views/message.njk', {
      title: t('registration:mailbox.title'),
      alert: { type: 'success', text: t('registration:mailbox.sent', { email: sent.email }) },
      paragraphs: [t('registration:mailbox.openAgain'), t('registration:mailbox.spam')],
    });
  }

  @Public()
  @Get('code/:ticket')
  async codePage(@Param('ticket', ParseUUIDPipe) ticket: string, @Res() res: Response): Promise<void> {
    res.render(`${VIEWS}/code.njk`, { ticket });
  }

  @Public()
  @Post('code/:ticket')
  async checkCode(
    @Param('ticket', ParseUUIDPipe) ticket: string,
    @Body() body: ActivationCodeFormDto,
    @Res() res: Response,
  ): Promise<void> {
    const code = body.code?.trim() ?? '';
    if (!/^\d{6}$/.test(code.replace(/\s/g, ''))) {
      return res.status(400).render(`${VIEWS}/code.njk`, { ticket, error: t('registration:code.sixDigits') });
    }
    await this.throttle.codeAttempt();
    const result = await this.activation.activateByCode(ticket, code);
    if (result.status === 'activated') return this.activated(res);
    res.status(400).render(`${VIEWS}/code.njk`, {
      ticket,
      ...codeFailure(result, t('registration:code.whatNext')),
    });
  }

  @Public()
  @Post('code/:ticket/renvoyer')
  async resend(@Param('ticket', ParseUUIDPipe) ticket: string, @Res() res: Response): Promise<void> {
    const next = await this.activation.resend(ticket);
    if (next.channel === 'sms') return res.redirect(303, `/activation/code/${next.ticket}`);
    res.status(200).render('platform/views/message.njk', {
      title: t('registration:mailbox.title'),
      alert: { type: 'success', text: t('registration:mailbox.resent') },
      paragraphs: [t('registration:mailbox.resentOpen')],
    });
  }

  @Public()
  @Get(':token')
  confirm(@Param('token') token: string, @Res() res: Response): void {
    if (!isLinkToken(token)) return this.invalidLink(res.status(400));
    renderActivationConfirm(res, token);
  }

  @Public()
  @Post(':token')
  async activate(@Param('token') token: string, @Res() res: Response): Promise<void> {
    if (isLinkToken(token) && (await this.activation.activateByLink(token)) === 'activated') return this.activated(res);
    this.invalidLink(res.status(400));
  }

  private expiredChoice(res: Response): void {
    res.render('platform/views/message.njk', {
      title: t('registration:activation.expiredTitle'),
      alert: { type: 'error', text: t('registration:activation.expiredText') },
      paragraphs: [t('registration:activation.expiredHelp')],
      link: { href: '/compte', label: t('registration:activation.signIn') },
    });
  }

  private invalidLink(res: Response): void {
    renderActivationInvalidLink(res);
  }

  private activated(res: Response): void {
    renderActivated(res);
  }
}

function checkProfile(profile: string): AccountProfile {
  if ((PROFILES as readonly string[]).includes(profile)) return profile as AccountProfile;
  throw new PlatformError(PlatformErrorCode.NOT_FOUND);
}
