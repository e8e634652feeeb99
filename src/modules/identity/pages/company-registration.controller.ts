import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../../../config';
import { SecretBox } from '../../../platform/crypto/secret-box';
import type { FieldErrors } from '../../../platform/errors';
import { PlatformError, PlatformErrorCode } from '../../../platform/errors';
import { Public } from '../../../platform/http/access-policy';
import { noSoonerThan } from '../../../platform/http/minimum-duration';
import { t } from '../../../platform/i18n/i18n';
import {
  COMPANY_FORM_STEPS,
  COMPANY_STEPS,
  CompanyRegistration,
  REGISTRATION_DRAFT_HOURS,
  type CompanyStepInput,
} from '../company-registration';
import { CompanyStepFormDto } from '../dto/registration-forms.dto';
import type { RegistrationDraft } from '../entities/registration-draft.entity';
import { IdentifierSuggestions } from '../identifier-suggestions';
import { DOCUMENT_MAX_BYTES } from '../identity-documents';
import { LEGAL_VERSIONS } from '../legal';
import { documentKindOptions, occupationOptions } from '../registration-labels';
import { REGISTRATION_FLOOR_MS } from '../registration.service';
import { documentUploadOf } from './document-upload.middleware';

const VIEWS = 'modules/identity/views/registration';
const COOKIE = 'inscription_entreprise';
const COOKIE_PATH = '/inscription/entreprise';
const CHECKBOXES = new Set(['emailMailing', 'smsMailing', 'acceptTerms', 'acceptPrivacy']);

/**
 * « Comment créer mon espace client en tant que représentant d'une entreprise ? » (seed 004): the Entreprise profile's
 * registration in five steps, at `/inscription/entreprise/etape/1` to `4`, then the page of the activation e-mail. The
 * draft's id travels in a sealed, HttpOnly cookie: nobody can open another person's draft.
 */
@Controller('inscription/entreprise')
export class CompanyRegistrationController {
  private readonly box: SecretBox;
  private readonly secureCookies: boolean;

  constructor(
    private readonly registration: CompanyRegistration,
    private readonly identifiers: IdentifierSuggestions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.box = new SecretBox(config.secretKey, 'registration-draft');
    this.secureCookies = config.publicUrl.startsWith('https:');
  }

  @Public()
  @Get('etape/:step')
  async show(@Param('step') stepParam: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const step = checkStep(stepParam);
    const draft = await this.registration.find(this.draftId(req));
    const reachable = (draft?.step ?? 0) + 1;
    if (step > reachable) return res.redirect(303, `${COOKIE_PATH}/etape/${reachable}`);
    await this.render(res, step, draft, {});
  }

  @Public()
  @Post('etape/:step')
  async submit(
    @Param('step') stepParam: string,
    @Body() body: CompanyStepFormDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const step = checkStep(stepParam);
    const draft = await this.registration.draft(this.draftId(req));
    res.cookie(COOKIE, this.box.sealTicket({ id: draft.id }, REGISTRATION_DRAFT_HOURS * 3600_000), {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.secureCookies,
      path: COOKIE_PATH,
      maxAge: REGISTRATION_DRAFT_HOURS * 3600_000,
    });
    const input = this.input(step, body, req);
    if (body.action === 'precedent' && step > 1) {
      await this.registration.keep(draft, step, input);
      return res.redirect(303, `${COOKIE_PATH}/etape/${step - 1}`);
    }
    // A step cannot be skipped: the one after the last validated is where the person goes.
    if (step > draft.step + 1) return res.redirect(303, `${COOKIE_PATH}/etape/${draft.step + 1}`);
    if (step < COMPANY_FORM_STEPS) {
      const outcome = await this.registration.submitStep(draft, step, input);
      if (outcome.status === 'valid') return res.redirect(303, `${COOKIE_PATH}/etape/${step + 1}`);
      return this.render(res.status(400), outcome.step, outcome.draft, outcome.errors);
    }
    const password = body.password ?? '';
    const passwordConfirmation = body.passwordConfirmation ?? '';
    const started = performance.now();
    const result = await this.registration.finish(draft, { ...input, password, passwordConfirmation });
    if (result.status === 'invalid') {
      // Passwords that passed every rule are given back, so that an error elsewhere does not make them typed again.
      const passwords =
        result.errors.password || result.errors.passwordConfirmation ? {} : { password, passwordConfirmation };
      return this.render(res.status(400), result.step, result.draft, result.errors, passwords);
    }
    // As the citizen form: a new account and an address already in use take different paths, answered at the same time.
    await noSoonerThan(started, REGISTRATION_FLOOR_MS);
    res.clearCookie(COOKIE, { path: COOKIE_PATH });
    res.status(200).render(`${VIEWS}/company-step.njk`, {
      ...this.stepper(5),
      title: t('registration:company.doneTitle'),
      done: { email: result.outcome.email, identifier: result.outcome.identifier },
    });
  }

  private input(step: number, body: CompanyStepFormDto, req: Request): CompanyStepInput {
    const values: Record<string, string | boolean> = {};
    const fields = body as unknown as Record<string, string | undefined>;
    for (const field of COMPANY_STEPS[step - 1].fields)
      values[field] = CHECKBOXES.has(field) ? fields[field] === 'oui' : (fields[field] ?? '');
    return { values, file: step === COMPANY_FORM_STEPS ? documentUploadOf(req) : undefined };
  }

  private async render(
    res: Response,
    step: number,
    draft: RegistrationDraft | undefined,
    errors: FieldErrors,
    passwords: { password?: string; passwordConfirmation?: string } = {},
  ): Promise<void> {
    const values: Record<string, unknown> = { ...(draft?.values ?? {}) };
    // The identifier proposed (prénom.nom) is filled in at the step that shows it; the person may change it.
    if (
      step === 4 &&
      !values.identifier &&
      typeof values.givenName === 'string' &&
      typeof values.familyName === 'string'
    )
      values.identifier = await this.identifiers.propose(values.givenName, values.familyName);
    const errorCount = Object.keys(errors).length;
    res.render(`${VIEWS}/company-step.njk`, {
      ...this.stepper(step),
      title: t(errorCount ? 'registration:company.errorTitle' : 'registration:company.title', {
        step,
        count: COMPANY_STEPS.length,
      }),
      values,
      errors,
      errorCount,
      passwords,
      keptDocument: draft?.document?.name ?? '',
      occupations: occupationOptions(),
      legal: LEGAL_VERSIONS,
      contractNumber: this.config.registration.contractNumber,
      documentKinds: documentKindOptions(),
      documentMaxMb: DOCUMENT_MAX_BYTES / 1024 / 1024,
    });
  }

  private stepper(step: number) {
    return {
      step,
      stepCount: COMPANY_STEPS.length,
      steps: COMPANY_STEPS.map((_, i) => ({ number: i + 1, title: stepTitle(i + 1) })),
      stepTitle: stepTitle(step),
      nextTitle: step < COMPANY_STEPS.length ? stepTitle(step + 1) : '',
    };
  }

  private draftId(req: Request): string | undefined {
    const sealed = (req.cookies as Record<string, string | undefined> | undefined)?.[COOKIE];
    return this.box.openTicket<{ id: string }>(sealed)?.id;
  }
}

/** A step's title in the page's language (`registration:company.steps.<n>`). */
const stepTitle = (n: number): string => t(`registration:company.steps.${n}`);

function checkStep(step: string): number {
  const n = /^[1-4]$/.test(step) ? Number(step) : 0;
  if (!n) throw new PlatformError(PlatformErrorCode.NOT_FOUND);
  return n;
}
