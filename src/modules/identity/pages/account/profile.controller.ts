import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { PlatformError, PlatformErrorCode } from '../../../../platform/errors';
import { CurrentAccount, SignedIn } from '../../../../platform/http/access-policy';
import { currentLocale, t } from '../../../../platform/i18n/i18n';
import { AccountService } from '../../account.service';
import { ProfileFormDto } from '../../dto/profile-form.dto';
import type { Account } from '../../entities/account.entity';
import { localDateTime } from '../../french-dates';
import { IdentityDocuments } from '../../identity-documents';
import { OCCUPATIONS } from '../../legal';
import { OrganisationNumbersPort } from '../../organisation-numbers.port';
import { errorTitle, isFormError, renderAccountPage } from './account-page';

const PROFILE_FIELDS = [
  'civility',
  'familyName',
  'usageName',
  'givenName',
  'birthDate',
  'mobilePhone',
  'landlinePhone',
  'occupation',
  'jobTitle',
  'organisationName',
  'establishment',
  'addressLine',
  'addressComplement',
  'postalCode',
  'city',
  'country',
] as const;

/** « Mon compte › Mon profil »: identity, contact details, address, and the identity documents given at sign-up. */
@SignedIn()
@Controller('compte')
export class ProfileController {
  constructor(
    private readonly accounts: AccountService,
    private readonly documents: IdentityDocuments,
    private readonly organisationNumbers: OrganisationNumbersPort,
  ) {}

  @Get('profil')
  async profile(@CurrentAccount() account: Account, @Res() res: Response): Promise<void> {
    await this.render(res, account, profileValues(account), {});
  }

  @Post('profil')
  async save(@CurrentAccount() account: Account, @Body() form: ProfileFormDto, @Res() res: Response): Promise<void> {
    const values: Record<string, string | boolean> = {};
    for (const name of PROFILE_FIELDS) values[name] = form[name] ?? '';
    values.emailMailing = form.emailMailing === 'oui';
    values.smsMailing = form.smsMailing === 'oui';
    try {
      await this.accounts.updateProfile(account.id, values);
    } catch (error) {
      if (!isFormError(error)) throw error;
      return await this.render(res.status(400), account, values, error.fields ?? {});
    }
    renderAccountPage(res.status(200), 'home', t('account:home.title'), {
      account: await this.accounts.get(account.id),
      notice: t('account:profile.saved'),
    });
  }

  /** An identity document of the signed-in person, and only theirs. */
  @Get('piece-identite/:id')
  async document(
    @CurrentAccount() account: Account,
    @Param('id', ParseUUIDPipe) id: string,
    @Res() res: Response,
  ): Promise<void> {
    const found = await this.documents.read(account.id, id);
    if (!found) throw new PlatformError(PlatformErrorCode.NOT_FOUND);
    const extension = { 'image/png': 'png', 'image/jpeg': 'jpg', 'application/pdf': 'pdf' }[found.document.mediaType];
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Content-Disposition', `attachment; filename="piece-identite.${extension}"`);
    res.type(found.document.mediaType).send(found.data);
  }

  private async render(res: Response, account: Account, values: Record<string, unknown>, errors: object) {
    const errorCount = Object.keys(errors).length;
    const documents = await this.documents.forAccount(account.id);
    const numbers = account.profile === 'citoyen' ? undefined : await this.organisationNumbers.of(account.id);
    const title = t('account:profile.title');
    renderAccountPage(res, 'profile', errorCount ? errorTitle(title) : title, {
      documents: documents.map((d) => ({
        id: d.id,
        kind: t(`account:profile.documentKinds.${d.kind}`),
        size: t('account:profile.kilobytes', { size: Math.max(1, Math.round(d.size / 1024)) }),
        createdAt: localDateTime(d.createdAt, currentLocale()),
      })),
      account,
      numbers,
      values,
      errors,
      errorCount,
      occupations: OCCUPATIONS,
    });
  }
}

function profileValues(account: Account): Record<string, unknown> {
  return {
    ...Object.fromEntries(PROFILE_FIELDS.map((name) => [name, account[name] ?? ''])),
    emailMailing: account.emailMailingConsent,
    smsMailing: account.smsMailingConsent,
  };
}
