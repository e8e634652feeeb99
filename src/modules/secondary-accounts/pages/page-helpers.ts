import { currentLocale, t } from '../../../platform/i18n/i18n';
import type { CompanyAccount } from '../entities/company-account.entity';

/** Checkboxes sent as one value or several. */
export function codes(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : [value].flat().filter(Boolean);
}

/** The summary at the top of « Gestion des Comptes » (the seed's first block). */
export function summary(company: CompanyAccount) {
  return {
    fileNumber: company.fileNumber,
    login: company.login,
    type: t(`company:types.${company.type}`),
    profile: t(`company:profiles.${company.profile}`),
    status: t(`company:statuses.${company.status}`),
    siren: company.siren,
    siret: company.nic ? company.siren + company.nic : null,
    name: company.name,
    responsable: [
      company.civility ? t(`company:civility.${company.civility}`) : '',
      company.givenName,
      company.familyName,
    ]
      .filter(Boolean)
      .join(' '),
    createdAt: shortDate(company.createdAt),
    test: company.test,
  };
}

/** « 01/12/2026 », Paris time, as the page's language writes it (the same digits in French and British English). */
export function shortDate(date: Date): string {
  return date.toLocaleDateString(currentLocale() === 'fr' ? 'fr-FR' : 'en-GB', { timeZone: 'Europe/Paris' });
}

/** A closed list's choices (`statuses`, `statementsMailboxes`), labelled in the page's language. */
export function choices(group: string, values: readonly string[]): Array<{ value: string; label: string }> {
  return values.map((value) => ({ value, label: t(`company:${group}.${value}`) }));
}
