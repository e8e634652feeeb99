import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { IDENTIFIER } from './account-format';
import { Account } from './entities/account.entity';

/** Identifiers: the `prénom.nom` proposal and the live availability check of the forms. */
@Injectable()
export class IdentifierSuggestions {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** `prénom.nom`, lower case, without accents or spaces, made unique (`marie.dupont2`). */
  async propose(givenName: string, familyName: string): Promise<string> {
    const base = `${slug(givenName)}.${slug(familyName)}`.replace(/^\.+|\.+$/g, '').slice(0, 60) || 'utilisateur';
    const padded = base.length >= 3 ? base : `${base}${'0'.repeat(3 - base.length)}`;
    const rows: Array<{ identifier: string }> = await this.dataSource.query(
      `SELECT identifier FROM account WHERE identifier = $1 OR identifier ~ ('^' || $2 || '[0-9]+$')`,
      [padded, padded.replace(/[.]/g, '\\.')],
    );
    const taken = new Set(rows.map((r) => r.identifier));
    if (!taken.has(padded)) return padded;
    for (let n = 2; ; n++) if (!taken.has(`${padded}${n}`)) return `${padded}${n}`;
  }

  /** Whether an identifier is well formed and free (the live check of the form). */
  async status(identifier: string): Promise<'available' | 'taken' | 'invalid'> {
    const value = identifier.trim().toLowerCase();
    if (!IDENTIFIER.test(value)) return 'invalid';
    return (await this.dataSource.getRepository(Account).existsBy({ identifier: value })) ? 'taken' : 'available';
  }
}

function slug(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
