import { Injectable } from '@nestjs/common';
import type { PermissionCheck, SignedInAccount } from '../../../platform/http/access-policy';
import { CompanyAccounts } from '../company-accounts.service';

/** `@Permission(PrimaryCompanyAccount)`: the signed-in account is a company's primary account. */
@Injectable()
export class PrimaryCompanyAccount implements PermissionCheck {
  constructor(private readonly companies: CompanyAccounts) {}

  async allows(account: SignedInAccount): Promise<boolean> {
    return Boolean(await this.companies.primaryOfAccount(account.id));
  }
}
