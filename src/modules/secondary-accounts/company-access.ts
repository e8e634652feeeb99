import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DatabaseNotifications } from '../../platform/database/database-notifications';
import { NotifiedCache } from '../../platform/database/notified-cache';
import { t } from '../../platform/i18n/i18n';
import { ProviderHooks } from '../../platform/provider-hooks';
import { CompanyAccounts } from './company-accounts.service';
import type { CompanyAccount } from './entities/company-account.entity';
import { Teleprocedures } from './teleprocedures.service';

/**
 * What the access check reads of an account's company (most accounts have none), per account: it runs at every
 * sign-in, token and userinfo. Any change of a company account drops it all on every instance (the trigger of
 * migration `secondary-accounts-change-notify`); this module's own status changes drop it here at once (the embedded
 * database has no listening connection); the changes that close an account also disable its identity account, which
 * the provider checks on its own.
 */
@Injectable()
export class CompanyStandingCache extends NotifiedCache<CompanyStanding | null> {
  constructor(notifications: DatabaseNotifications) {
    super(notifications, COMPANY_CHANGED_CHANNEL, { ttlMs: 60_000, maxEntries: 10_000 });
  }
}

/**
 * Towards relying parties (DESIGN.md, "Claims for relying parties"): the `company` scope's claim, and the access check
 * that refuses a closed company account (a deactivated secondary, or any account of a closed primary) at every site,
 * single sign-on included, and at the token endpoint and userinfo.
 */
@Injectable()
export class CompanyAccess implements OnModuleInit {
  constructor(
    private readonly hooks: ProviderHooks,
    private readonly companies: CompanyAccounts,
    private readonly teleprocedures: Teleprocedures,
    private readonly standing: CompanyStandingCache,
  ) {}

  onModuleInit(): void {
    this.standing.follow();
    this.hooks.addAccessCheck({
      name: 'secondary-accounts.closed',
      check: async ({ accountId }) => {
        const found = await this.standing.get(accountId, () => this.standingOf(accountId));
        if (!found) return undefined;
        if (found.status === 'closed')
          return {
            reason:
              found.profile === 'secondary'
                ? t('company:access.secondaryClosed', { login: found.login })
                : t('company:access.accountClosed', { login: found.login }),
            whatToDo:
              found.profile === 'secondary'
                ? t('company:access.secondaryClosedWhatToDo', { primary: found.primaryLogin })
                : t('company:access.contactSupport'),
          };
        if (found.primaryStatus === 'closed')
          return {
            reason: t('company:access.primaryClosed', { primary: found.primaryLogin }),
            whatToDo: t('company:access.contactSupport'),
          };
        return undefined;
      },
    });
    this.hooks.addClaimsContributor({
      scope: 'company',
      claims: ['company'],
      // Read when the consent page (or « Mes sites ») shows it: in that request's language.
      get description() {
        return t('company:access.scope');
      },
      claimsFor: async ({ accountId }) => {
        const found = await this.companies.withPrimary(accountId);
        if (!found) return {};
        const { company, primary } = found;
        return {
          company: {
            siren: company.siren,
            siret: company.nic ? company.siren + company.nic : null,
            name: company.name,
            account_type: company.profile,
            primary_login: primary.login,
            teleprocedures: await this.teleprocedures.of(company.id),
          },
        };
      },
    });
  }

  private async standingOf(accountId: string): Promise<CompanyStanding | null> {
    const found = await this.companies.withPrimary(accountId);
    if (!found) return null;
    const { company, primary } = found;
    return {
      login: company.login,
      profile: company.profile,
      status: company.status,
      primaryLogin: primary.login,
      primaryStatus: primary.status,
    };
  }
}

/** The NOTIFY channel of the trigger on `company_account` (always `*`: a primary's change concerns its secondaries). */
export const COMPANY_CHANGED_CHANNEL = 'company_account_changed';

interface CompanyStanding {
  login: string;
  profile: CompanyAccount['profile'];
  status: CompanyAccount['status'];
  primaryLogin: string;
  primaryStatus: CompanyAccount['status'];
}
