import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../../../platform/http/access-policy';
import { t } from '../../../platform/i18n/i18n';
import { IdentityError, LEGAL_VERSIONS, OCCUPATIONS } from '../../identity';
import { OidcProviderService } from '../../oidc';
import { PersonalAccountFormDto } from '../dto/user-forms.dto';
import { SelfDeclarationService } from '../self-declaration.service';
import { SubscriptionsError } from '../subscriptions.errors';
import type { SubscriptionView } from '../subscriptions.service';

const VIEW = 'modules/subscriptions/views/create-my-account.njk';
const TEXT_FIELDS = ['email', 'civility', 'familyName', 'givenName', 'occupation', 'jobTitle'] as const;

/**
 * « Créer mon compte personnel » (the seed's « Auto-déclaration », step 3): reached from a product's « Créer mon
 * compte » link while the browser holds a provider session opened with the subscription's access codes. Public by
 * nature (the person has no account yet): who may use it is that provider session, read at each request.
 */
@Controller('abonnements/creer-mon-compte')
export class CreateMyAccountController {
  constructor(
    private readonly oidc: OidcProviderService,
    private readonly selfDeclaration: SelfDeclarationService,
  ) {}

  @Public()
  @Get()
  async form(@Req() req: Request, @Res() res: Response): Promise<void> {
    const subscription = await this.openFor(req, res);
    if (subscription) this.render(res, subscription, {}, {});
  }

  @Public()
  @HttpCode(200)
  @Post()
  async create(@Body() body: PersonalAccountFormDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    const subscription = await this.openFor(req, res);
    if (!subscription) return;
    const values: Record<string, string | boolean> = {};
    for (const field of TEXT_FIELDS) values[field] = body[field] ?? '';
    values.acceptTerms = body.acceptTerms === 'oui';
    values.acceptPrivacy = body.acceptPrivacy === 'oui';
    try {
      const { email } = await this.selfDeclaration.createAccount(subscription, {
        ...values,
        password: body.password ?? '',
        passwordConfirmation: body.passwordConfirmation ?? '',
      });
      res.render('platform/views/message.njk', {
        title: t('subscriptions:createMyAccount.sent.title'),
        alert: { type: 'success', text: t('subscriptions:createMyAccount.sent.text', { email }) },
        paragraphs: [
          t('subscriptions:createMyAccount.sent.click'),
          t('subscriptions:createMyAccount.sent.signIn'),
          t('subscriptions:createMyAccount.sent.notFound'),
        ],
      });
    } catch (error) {
      if (error instanceof IdentityError && error.fields)
        return this.render(res.status(400), subscription, values, error.fields);
      if (error instanceof SubscriptionsError)
        return this.render(res.status(409), subscription, values, {}, error.pageMessage());
      throw error;
    }
  }

  /** The subscription whose access codes opened this browser's provider session, or the refusal page (403). */
  private async openFor(req: Request, res: Response): Promise<SubscriptionView | undefined> {
    const context = await this.selfDeclaration.context(await this.oidc.sessionSubject(req, res));
    if (context.open) return context.subscription;
    res.status(403).render('platform/views/message.njk', {
      title: context.refusal.title,
      paragraphs: context.refusal.paragraphs,
    });
    return undefined;
  }

  private render(
    res: Response,
    subscription: SubscriptionView,
    values: Record<string, unknown>,
    errors: Record<string, string[]>,
    problem?: string,
  ): void {
    const errorCount = Object.keys(errors).length;
    res.render(VIEW, {
      title: t(
        errorCount || problem ? 'subscriptions:createMyAccount.errorTitle' : 'subscriptions:createMyAccount.title',
      ),
      subscriber: subscription.subscriber,
      values,
      errors,
      errorCount,
      problem,
      occupations: OCCUPATIONS,
      legal: LEGAL_VERSIONS,
    });
  }
}
