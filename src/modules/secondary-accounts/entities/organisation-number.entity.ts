import { Check, Column, CreateDateColumn, Entity, ForeignKey, PrimaryColumn } from 'typeorm';

/**
 * The SIREN and SIRET an account registered with (Entreprise or Association profile), as typed at registration:
 * recorded in the registration's transaction through identity's `OrganisationNumbersPort`, so that a registration
 * still pending keeps them until its activation makes it a primary company account (`company_account`, whose NIC may
 * be edited afterwards). Identity's `account` table no longer has these columns (migration
 * `SecondaryAccountsOrganisationNumbers`).
 */
@Entity('organisation_number')
@Check('CHK_organisation_number_siren', `"siren" ~ '^[0-9]{9}$'`)
@Check('CHK_organisation_number_siret', `"siret" IS NULL OR "siret" ~ '^[0-9]{14}$'`)
export class OrganisationNumber {
  @ForeignKey('Account', { onDelete: 'CASCADE', name: 'FK_organisation_number_account' })
  @PrimaryColumn({ name: 'account_id', type: 'uuid', primaryKeyConstraintName: 'PK_organisation_number' })
  accountId: string;

  @Column({ type: 'varchar', length: 9 })
  siren: string;

  @Column({ type: 'varchar', length: 14, nullable: true })
  siret: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
