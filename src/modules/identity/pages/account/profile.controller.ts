import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { PlatformError, PlatformErrorCode } from '../../../../platform/errors';
import { CurrentAccount, SignedIn } from '../../../../platform/http/access-policy';
import { AccountService } from '../../account.service';
import { ProfileFormDto } from '../../dto/profile-form.dto';
import type { Account } from '../../entities/account.entity';
import { frenchDateTime } from '../../french-dates';
import { DOCUMENT_KINDS, IdentityDocuments } from '../../identity-documents';
import { OCCUPATIONS } from '../../legal';
import { OrganisationNumbersPort } from '../../organisation-numbers.port';
import { isFormError, renderAccountPage } from './account-page';

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
    renderAccountPage(res.status(200), 'home', 'Mon compte', {
      account: await this.accounts.get(account.id),
      notice: 'Votre profil a été mis à jour.',
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
    renderAccountPage(res, 'profile', `${errorCount ? 'Erreur : ' : ''}Mon profil`, {
      documents: documents.map((d) => ({
        id: d.id,
        kind: DOCUMENT_KINDS[d.kind],
        size: `${Math.max(1, Math.round(d.size / 1024))} Ko`,
        createdAt: frenchDateTime(d.createdAt),
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
