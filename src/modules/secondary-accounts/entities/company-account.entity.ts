import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Generated,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** Type de compte (the seed's « Type » column). */
export const COMPANY_TYPES = {
  entreprise: 'Entreprise',
  oga: 'OGA',
  'expert-comptable': 'Expert-comptable',
} as const;
export type CompanyType = keyof typeof COMPANY_TYPES;

/** Profil: « Compte Primaire » or « Compte secondaire ». */
export const COMPANY_PROFILES = { primary: 'Compte Primaire', secondary: 'Compte secondaire' } as const;
export type CompanyProfile = keyof typeof COMPANY_PROFILES;

/** Statut: « Ouvert », « Fermé », « Demande validée ». */
export const COMPANY_STATUSES = { open: 'Ouvert', closed: 'Fermé', validated: 'Demande validée' } as const;
export type CompanyStatus = keyof typeof COMPANY_STATUSES;

/** « Boite de réception des relevés »: the account's own mailbox, or one dedicated to statements. */
export const STATEMENTS_MAILBOXES = {
  default: 'Boîte par défaut de mon compte',
  dedicated: 'Boîte dédiée aux relevés',
} as const;
export type StatementsMailbox = keyof typeof STATEMENTS_MAILBOXES;

/** Street-number suffixes (« Suffixe voie »). */
export const STREET_SUFFIXES = ['bis', 'ter', 'quater', 'quinquies'] as const;

/**
 * A company account of « Gestion des Comptes »: a primary account (a company's own registration) or one of its
 * secondary accounts. Each is linked to the identity account that signs in (`account_id`, one company account per
 * identity account). SIRET = SIREN + NIC; the NIC stays empty when the company registered with its SIREN only.
 */
@Entity('company_account')
@Index('UQ_company_account_account', ['accountId'], { unique: true })
@Index('UQ_company_account_login', ['login'], { unique: true })
@Index('UQ_company_account_file_number', ['fileNumber'], { unique: true })
@Index('IDX_company_account_primary', ['primaryId'])
@Check('CHK_company_account_type', `"type" IN ('entreprise', 'oga', 'expert-comptable')`)
@Check('CHK_company_account_profile', `"profile" IN ('primary', 'secondary')`)
@Check('CHK_company_account_status', `"status" IN ('open', 'closed', 'validated')`)
@Check(
  'CHK_company_account_primary',
  `("profile" = 'primary' AND "primary_id" IS NULL) OR ("profile" = 'secondary' AND "primary_id" IS NOT NULL)`,
)
@Check('CHK_company_account_siren', `"siren" ~ '^[0-9]{9}$'`)
@Check('CHK_company_account_statements_mailbox', `"statements_mailbox" IN ('default', 'dedicated')`)
@Check('CHK_company_account_nic', `"nic" IS NULL OR "nic" ~ '^[0-9]{5}$'`)
export class CompanyAccount {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_company_account' })
  id: string;

  /** N° Dossier: a number people quote to the support. */
  @Column({ name: 'file_number', type: 'integer' })
  @Generated('increment')
  fileNumber: number;

  /**
   * The identity account that signs in as this company account; references `account(id)`. Empty only for the
   * moment a secondary account is being created (its row holds the quota and the login while identity creates the
   * account).
   */
  @ForeignKey('Account', { onDelete: 'CASCADE', name: 'FK_company_account_account' })
  @Column({ name: 'account_id', type: 'uuid', nullable: true })
  accountId: string | null;

  /** A secondary account's primary account (null for a primary one). */
  @ForeignKey(() => CompanyAccount, { onDelete: 'CASCADE', name: 'FK_company_account_primary' })
  @Column({ name: 'primary_id', type: 'uuid', nullable: true })
  primaryId: string | null;

  /** Login (the identity account's identifier; `cs1.asp1ent` for a secondary account). */
  @Column({ type: 'varchar', length: 64 })
  login: string;

  @Column({ type: 'varchar', length: 9 })
  siren: string;

  @Column({ type: 'varchar', length: 5, nullable: true })
  nic: string | null;

  /** Raison sociale. */
  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 32, default: 'entreprise' })
  type: CompanyType;

  @Column({ type: 'varchar', length: 16 })
  profile: CompanyProfile;

  @Column({ type: 'varchar', length: 16, default: 'open' })
  status: CompanyStatus;

  /** A test account (« Test »), kept apart from real declarations. */
  @Column({ type: 'boolean', default: false })
  test: boolean;

  /** « Nombre de comptes secondaires souhaités » (a primary's): how many secondary accounts with a mailbox it may have. */
  @Column({ name: 'secondary_quota', type: 'integer', default: 0 })
  secondaryQuota: number;

  /** « Compte secondaire autonome »: chooses its own téléprocédures (within its primary's). */
  @Column({ type: 'boolean', default: false })
  autonomous: boolean;

  /** « BAL »: the account has a mailbox (counted by the primary's quota). */
  @Column({ name: 'has_mailbox', type: 'boolean', default: false })
  hasMailbox: boolean;

  /** Mandataire social. */
  @Column({ name: 'legal_representative', type: 'varchar', length: 200, nullable: true })
  legalRepresentative: string | null;

  /** Responsable. */
  @Column({ type: 'varchar', length: 8, nullable: true })
  civility: 'madame' | 'monsieur' | null;

  @Column({ name: 'family_name', type: 'varchar', length: 128, nullable: true })
  familyName: string | null;

  @Column({ name: 'given_name', type: 'varchar', length: 128, nullable: true })
  givenName: string | null;

  /** The address as the seed splits it. */
  @Column({ name: 'street_number', type: 'varchar', length: 10, nullable: true })
  streetNumber: string | null;

  @Column({ name: 'street_suffix', type: 'varchar', length: 16, nullable: true })
  streetSuffix: string | null;

  @Column({ name: 'street_name', type: 'varchar', length: 200, nullable: true })
  streetName: string | null;

  @Column({ name: 'address_complement', type: 'varchar', length: 200, nullable: true })
  addressComplement: string | null;

  @Column({ name: 'po_box', type: 'varchar', length: 64, nullable: true })
  poBox: string | null;

  @Column({ name: 'postal_code', type: 'varchar', length: 16, nullable: true })
  postalCode: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  city: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  country: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  phone: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  fax: string | null;

  /** Contact technique ou d'exploitation. */
  @Column({ name: 'technical_contact_name', type: 'varchar', length: 200, nullable: true })
  technicalContactName: string | null;

  @Column({ name: 'technical_contact_email', type: 'varchar', length: 254, nullable: true })
  technicalContactEmail: string | null;

  @Column({ name: 'technical_contact_phone', type: 'varchar', length: 20, nullable: true })
  technicalContactPhone: string | null;

  /** Contact administratif ou comptable. */
  @Column({ name: 'administrative_contact_name', type: 'varchar', length: 200, nullable: true })
  administrativeContactName: string | null;

  @Column({ name: 'administrative_contact_email', type: 'varchar', length: 254, nullable: true })
  administrativeContactEmail: string | null;

  @Column({ name: 'administrative_contact_phone', type: 'varchar', length: 20, nullable: true })
  administrativeContactPhone: string | null;

  /** « Date de facturation » (a primary's): when billing started; the creation date unless an operator set another. */
  @Column({ name: 'billing_date', type: 'date', nullable: true })
  billingDate: string | null;

  /** « Utiliser l'adresse du responsable pour la facturation ». */
  @Column({ name: 'billing_uses_responsable_address', type: 'boolean', default: true })
  billingUsesResponsableAddress: boolean;

  /** The billing address, split as the seed splits it (used when the responsable's is not). */
  @Column({ name: 'billing_street_number', type: 'varchar', length: 10, nullable: true })
  billingStreetNumber: string | null;

  @Column({ name: 'billing_street_suffix', type: 'varchar', length: 16, nullable: true })
  billingStreetSuffix: string | null;

  @Column({ name: 'billing_street_name', type: 'varchar', length: 200, nullable: true })
  billingStreetName: string | null;

  @Column({ name: 'billing_address_complement', type: 'varchar', length: 200, nullable: true })
  billingAddressComplement: string | null;

  @Column({ name: 'billing_po_box', type: 'varchar', length: 64, nullable: true })
  billingPoBox: string | null;

  @Column({ name: 'billing_postal_code', type: 'varchar', length: 16, nullable: true })
  billingPostalCode: string | null;

  @Column({ name: 'billing_city', type: 'varchar', length: 128, nullable: true })
  billingCity: string | null;

  @Column({ name: 'billing_country', type: 'varchar', length: 64, nullable: true })
  billingCountry: string | null;

  /** « Relevés de Comptes »: subscription to the collection of bank statements. */
  @Column({ name: 'statements_subscribed', type: 'boolean', default: false })
  statementsSubscribed: boolean;

  /** « Alerte erreur de collecte ». */
  @Column({ name: 'statements_alert', type: 'boolean', default: false })
  statementsAlert: boolean;

  /** « Boite de réception des relevés »: the account's own mailbox (`default`) or one dedicated to statements. */
  @Column({ name: 'statements_mailbox', type: 'varchar', length: 16, default: 'default' })
  statementsMailbox: StatementsMailbox;

  /** « Archivage à valeur probatoire »: subscription to the certified archiving service. */
  @Column({ name: 'archiving_subscribed', type: 'boolean', default: false })
  archivingSubscribed: boolean;

  /** The mailbox's address (`<login>@<MAILBOX_DOMAIN>`) once provisioned; null without a mailbox. */
  @Column({ name: 'mailbox_address', type: 'varchar', length: 254, nullable: true })
  mailboxAddress: string | null;

  /**
   * A secondary account switched to a mailbox: its holder must reset the password before using the mailbox (the seed's
   * warning); cleared by the next password change.
   */
  @Column({ name: 'password_reset_required', type: 'boolean', default: false })
  passwordResetRequired: boolean;

  /** Date de création. */
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
