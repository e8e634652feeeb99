import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** An organisation's numbers as a registration gave them: a SIREN, and the SIRET when one was typed. */
export interface OrganisationNumbers {
  siren: string;
  siret: string | null;
}

/**
 * Where an account's organisation numbers (SIREN, SIRET) live. Identity reads them from the registration form but does
 * not keep them: the company accounts module (`secondary-accounts`) does, and plugs its store in at start
 * (`OrganisationNumbersPort.attach`), so that identity never imports it.
 */
export interface OrganisationNumberStore {
  /** Records the numbers of a new registration, in the registration's transaction (kept until it is activated). */
  record(manager: EntityManager, accountId: string, numbers: OrganisationNumbers): Promise<void>;
  /** The account's numbers as they stand (a company account's, edited since, or the registration's). */
  of(accountId: string): Promise<OrganisationNumbers | undefined>;
  /** Ids of the accounts whose SIREN or SIRET contains `digits` (the console's search), at most `limit`. */
  accountsMatching(digits: string, limit: number): Promise<string[]>;
}

@Injectable()
export class OrganisationNumbersPort implements OrganisationNumberStore {
  private implementation: OrganisationNumberStore | undefined;

  attach(implementation: OrganisationNumberStore): void {
    this.implementation = implementation;
  }

  record(manager: EntityManager, accountId: string, numbers: OrganisationNumbers): Promise<void> {
    return this.store.record(manager, accountId, numbers);
  }

  of(accountId: string): Promise<OrganisationNumbers | undefined> {
    return this.store.of(accountId);
  }

  accountsMatching(digits: string, limit: number): Promise<string[]> {
    return this.store.accountsMatching(digits, limit);
  }

  private get store(): OrganisationNumberStore {
    // Never silently dropped: a registration with a SIREN fails (and rolls back) rather than lose it.
    if (!this.implementation) throw new Error('Aucun module ne conserve les SIREN/SIRET (secondary-accounts absent)');
    return this.implementation;
  }
}
