import { Injectable } from '@nestjs/common';
import type { SignedInAccounts } from '../../../platform/http/access-policy';
import { AccountService } from '../account.service';
import type { Account } from '../entities/account.entity';

/** The account space, a first-party relying party of the platform's own provider (see `FirstPartySpaceModule`). */
export const ACCOUNT_SPACE = {
  clientId: 'plateforme-compte',
  name: 'l’espace « Mon compte »',
  path: '/compte',
  scope: 'openid profile email',
};

/** Which accounts a first-party session may stand for: active ones only (identity's answer to the access policy). */
@Injectable()
export class ActiveAccounts implements SignedInAccounts {
  constructor(private readonly accounts: AccountService) {}

  async findActive(accountId: string): Promise<Account | undefined> {
    const account = await this.accounts.get(accountId);
    return account?.status === 'active' ? account : undefined;
  }

  nameOf(account: Account): string {
    const name = [account.givenName, account.usageName || account.familyName].filter(Boolean).join(' ');
    return name || account.identifier;
  }
}
