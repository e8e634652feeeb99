import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentAccount, SignedIn, type SignedInAccount } from '../../../platform/http/access-policy';
import { t } from '../../../platform/i18n/i18n';
import { SubscriptionsService } from '../subscriptions.service';

/** « Mes abonnements › Mes produits et statuts » (the seed's page 7). */
@SignedIn()
@Controller('compte/abonnements')
export class MySubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Get()
  async show(@CurrentAccount() account: SignedInAccount, @Res() res: Response): Promise<void> {
    res.render('modules/subscriptions/views/my-subscriptions.njk', {
      title: t('subscriptions:mine.title'),
      section: 'subscriptions',
      signedIn: true,
      subscriptions: await this.subscriptions.mySubscriptions(account.id),
    });
  }
}
