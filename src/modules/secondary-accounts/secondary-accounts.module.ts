import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MenuRegistry } from '../../platform/views/menus';
import { ConsoleAccountSections } from '../../platform/views/console-account-sections';
import { COMPANY_PROFILES, COMPANY_STATUSES, COMPANY_TYPES } from './entities/company-account.entity';
import { IdentityModule, OrganisationNumbersPort, PasswordChangeHooks } from '../identity';
import { NotificationsModule } from '../notifications';
import { CompanyAccountsApiController } from './api/company-accounts-api.controller';
import { CompanyAccess, CompanyStandingCache } from './company-access';
import { CompanyAccountsDemo } from './company-accounts.demo';
import { Mailboxes } from './mailboxes.service';
import { CompanyAccounts } from './company-accounts.service';
import { CompanyAccount } from './entities/company-account.entity';
import { OrganisationNumber } from './entities/organisation-number.entity';
import { OrganisationNumbersStore } from './organisation-numbers.store';
import { CompanyTeleprocedure, Teleprocedure } from './entities/teleprocedure.entity';
import { CompanyAccountController } from './pages/company-account.controller';
import { PrimaryCompanyAccount } from './pages/primary-company-account.check';
import { SecondaryAccountsController } from './pages/secondary-accounts.controller';
import { SecondaryAccounts } from './secondary-accounts.service';
import { Teleprocedures } from './teleprocedures.service';

/**
 * Company accounts and their secondary accounts (« Gestion des Comptes », docs/company-accounts.md): the primary
 * account of a company's registration, its identity and options, quota-limited secondary accounts.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([CompanyAccount, Teleprocedure, CompanyTeleprocedure, OrganisationNumber]),
    IdentityModule,
    NotificationsModule,
  ],
  controllers: [CompanyAccountController, SecondaryAccountsController, CompanyAccountsApiController],
  providers: [
    CompanyAccounts,
    SecondaryAccounts,
    Teleprocedures,
    PrimaryCompanyAccount,
    Mailboxes,
    CompanyAccess,
    CompanyStandingCache,
    CompanyAccountsDemo,
    OrganisationNumbersStore,
  ],
  exports: [CompanyAccounts, SecondaryAccounts, Teleprocedures, CompanyAccountsDemo],
})
export class SecondaryAccountsModule {
  constructor(
    menus: MenuRegistry,
    companies: CompanyAccounts,
    sections: ConsoleAccountSections,
    numbersPort: OrganisationNumbersPort,
    numbers: OrganisationNumbersStore,
    passwordHooks: PasswordChangeHooks,
  ) {
    // The console's account page: the company account the identity account signs in as (none: no section).
    sections.add({
      key: 'company',
      order: 20,
      section: async (accountId) => {
        const found = await companies.withPrimary(accountId);
        if (!found) return undefined;
        const { company, primary } = found;
        const items = [
          { key: 'company-profile', term: 'Profil', value: COMPANY_PROFILES[company.profile] },
          { key: 'company-name', term: 'Raison sociale', value: company.name },
          { key: 'company-siren', term: 'SIREN', value: company.siren },
          { term: 'SIRET', value: company.nic ? `${company.siren}${company.nic}` : '—' },
          { term: 'Type', value: COMPANY_TYPES[company.type] ?? company.type },
          { term: 'Identifiant du compte entreprise', value: company.login },
          { term: 'N° dossier', value: String(company.fileNumber) },
          { term: 'Statut', value: COMPANY_STATUSES[company.status] ?? company.status },
        ];
        if (company.id !== primary.id) items.push({ term: 'Compte primaire', value: primary.login });
        return { title: 'Compte entreprise', items };
      },
    });
    // The responsable's notice of a new password, queued in identity's transaction.
    passwordHooks.add((manager, change) => companies.onPasswordChanged(manager, change));
    // Identity reads and records the SIREN/SIRET through its port; this module keeps them.
    numbersPort.attach(numbers);
    // « Gestion des Comptes », in the account space's menu of a company's primary account only.
    menus.add('account', {
      key: 'entreprise',
      href: '/compte/entreprise',
      label: 'Gestion des Comptes',
      labelKey: 'company:menu',
      order: 45,
      shownTo: async (accountId) => Boolean(await companies.primaryOfAccount(accountId)),
    });
  }
}
