import {
  COMPANY_PROFILES,
  COMPANY_STATUSES,
  COMPANY_TYPES,
  type CompanyAccount,
} from '../entities/company-account.entity';

/** Checkboxes sent as one value or several. */
export function codes(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : [value].flat().filter(Boolean);
}

/** The summary at the top of « Gestion des Comptes » (the seed's first block). */
export function summary(company: CompanyAccount) {
  return {
    fileNumber: company.fileNumber,
    login: company.login,
    type: COMPANY_TYPES[company.type],
    profile: COMPANY_PROFILES[company.profile],
    status: COMPANY_STATUSES[company.status],
    siren: company.siren,
    siret: company.nic ? company.siren + company.nic : null,
    name: company.name,
    responsable: [
      company.civility === 'madame' ? 'Madame' : company.civility === 'monsieur' ? 'Monsieur' : '',
      company.givenName,
      company.familyName,
    ]
      .filter(Boolean)
      .join(' '),
    createdAt: company.createdAt.toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' }),
    test: company.test,
  };
}
