import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ProviderHooks } from '../../platform/provider-hooks';
import { CompanyAccounts } from './company-accounts.service';
import { Teleprocedures } from './teleprocedures.service';

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
  ) {}

  onModuleInit(): void {
    this.hooks.addAccessCheck({
      name: 'secondary-accounts.closed',
      check: async ({ accountId }) => {
        const found = await this.companies.withPrimary(accountId);
        if (!found) return undefined;
        if (found.company.status === 'closed')
          return {
            reason:
              found.company.profile === 'secondary'
                ? `Le compte secondaire ${found.company.login} est désactivé.`
                : `Le compte ${found.company.login} est fermé.`,
            whatToDo:
              found.company.profile === 'secondary'
                ? `Demandez au compte principal ${found.primary.login} de le réactiver (« Gestion des Comptes »).`
                : 'Contactez le service support clients.',
          };
        if (found.primary.status === 'closed')
          return {
            reason: `Le compte principal ${found.primary.login} dont dépend ce compte est fermé.`,
            whatToDo: 'Contactez le service support clients.',
          };
        return undefined;
      },
    });
    this.hooks.addClaimsContributor({
      scope: 'company',
      claims: ['company'],
      description:
        'l’entreprise de votre compte (SIREN, SIRET, raison sociale), son profil (principal ou secondaire) et ses téléprocédures',
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
}
