import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { OrganisationNumberStore, OrganisationNumbers } from '../identity';
import { CompanyAccount } from './entities/company-account.entity';
import { OrganisationNumber } from './entities/organisation-number.entity';

/**
 * Where the SIREN/SIRET of accounts live (identity's `OrganisationNumbersPort`, attached by the module at start): the
 * company account's (SIREN + NIC, edited in « Identité ») once there is one, else the registration's
 * (`organisation_number`: a pending Entreprise registration, an Association).
 */
@Injectable()
export class OrganisationNumbersStore implements OrganisationNumberStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(manager: EntityManager, accountId: string, numbers: OrganisationNumbers): Promise<void> {
    await manager.getRepository(OrganisationNumber).insert({ accountId, siren: numbers.siren, siret: numbers.siret });
  }

  async registered(accountId: string): Promise<OrganisationNumbers | undefined> {
    const row = await this.dataSource.getRepository(OrganisationNumber).findOneBy({ accountId });
    return row ? { siren: row.siren, siret: row.siret } : undefined;
  }

  async of(accountId: string): Promise<OrganisationNumbers | undefined> {
    const company = await this.dataSource.getRepository(CompanyAccount).findOneBy({ accountId });
    if (company) return { siren: company.siren, siret: company.nic ? `${company.siren}${company.nic}` : null };
    return this.registered(accountId);
  }

  async accountsMatching(digits: string, limit: number): Promise<string[]> {
    if (!/^[0-9]+$/.test(digits)) return [];
    const rows = await this.dataSource.query<Array<{ account_id: string }>>(
      `SELECT account_id FROM company_account WHERE account_id IS NOT NULL AND siren || coalesce(nic, '') LIKE $1
       UNION
       SELECT account_id FROM organisation_number WHERE coalesce(siret, siren) LIKE $1
       LIMIT $2`,
      [`%${digits}%`, limit],
    );
    return rows.map((row) => row.account_id);
  }
}
