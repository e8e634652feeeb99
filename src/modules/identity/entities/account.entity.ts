import type { Locale } from '../../../platform/i18n/i18n';
import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type AccountStatus = 'pending' | 'active' | 'disabled';
export type AccountProfile = 'citoyen' | 'entreprise' | 'association';
export type Civility = 'madame' | 'monsieur';
/** How the account came to be: the person registered, or someone else (an administrator, a firm) invited them. */
export type AccountOrigin = 'registration' | 'invitation';

/** A person's account. `identifier` and `email` are stored lower-case; both sign in. */
@Entity('account')
@Index('UQ_account_identifier', ['identifier'], { unique: true })
@Index('UQ_account_email', ['email'], { unique: true })
@Check('CHK_account_status', `"status" IN ('pending', 'active', 'disabled')`)
@Check('CHK_account_identity_certified_by', `"identity_certified_by" IN ('franceconnect')`)
@Check('CHK_account_profile', `"profile" IN ('citoyen', 'entreprise', 'association')`)
@Check('CHK_account_origin', `"origin" IN ('registration', 'invitation')`)
@Check('CHK_account_locale', `"locale" IN ('fr', 'en')`)
export class Account {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_account' })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  identifier: string;

  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ name: 'email_verified', type: 'boolean', default: false })
  emailVerified: boolean;

  @Column({ name: 'given_name', type: 'varchar', length: 128, nullable: true })
  givenName: string | null;

  @Column({ name: 'family_name', type: 'varchar', length: 128, nullable: true })
  familyName: string | null;

  @Column({ type: 'varchar', length: 16, default: 'citoyen' })
  profile: AccountProfile;

  @Column({ type: 'varchar', length: 8, nullable: true })
  civility: Civility | null;

  /** Nom d'usage, when it differs from the birth name (`familyName`). */
  @Column({ name: 'usage_name', type: 'varchar', length: 128, nullable: true })
  usageName: string | null;

  @Column({ name: 'birth_date', type: 'date', nullable: true })
  birthDate: string | null;

  /** E.164. */
  @Column({ name: 'mobile_phone', type: 'varchar', length: 20, nullable: true })
  mobilePhone: string | null;

  @Column({ name: 'mobile_phone_verified', type: 'boolean', default: false })
  mobilePhoneVerified: boolean;

  /** E.164. */
  @Column({ name: 'landline_phone', type: 'varchar', length: 20, nullable: true })
  landlinePhone: string | null;

  /** Métier, from `OCCUPATIONS` (professional profiles). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  occupation: string | null;

  /** Fonction (free text, professional profiles). */
  @Column({ name: 'job_title', type: 'varchar', length: 128, nullable: true })
  jobTitle: string | null;

  @Column({ name: 'organisation_name', type: 'varchar', length: 200, nullable: true })
  organisationName: string | null;

  // SIREN and SIRET are not identity's: the company accounts module keeps them (`OrganisationNumbersPort`).

  @Column({ type: 'varchar', length: 10, nullable: true })
  rna: string | null;

  /** Numéro de contrat, asked at registration when `REGISTRATION_CONTRACT_NUMBER` says so. */
  @Column({ name: 'contract_number', type: 'varchar', length: 64, nullable: true })
  contractNumber: string | null;

  /** Postal address (« Mon profil »); the establishment's name beside the organisation's. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  establishment: string | null;

  @Column({ name: 'address_line', type: 'varchar', length: 200, nullable: true })
  addressLine: string | null;

  @Column({ name: 'address_complement', type: 'varchar', length: 200, nullable: true })
  addressComplement: string | null;

  @Column({ name: 'postal_code', type: 'varchar', length: 16, nullable: true })
  postalCode: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  city: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  country: string | null;

  /**
   * Who certified the identity fields (names, birth date, civility): `franceconnect` while an FC identity is linked;
   * the person cannot edit them then.
   */
  @Column({ name: 'identity_certified_by', type: 'varchar', length: 16, nullable: true })
  identityCertifiedBy: 'franceconnect' | null;

  @Column({ name: 'email_mailing_consent', type: 'boolean', default: false })
  emailMailingConsent: boolean;

  @Column({ name: 'sms_mailing_consent', type: 'boolean', default: false })
  smsMailingConsent: boolean;

  /** The language of the account's e-mails: the one used at sign-up (`fr` before it was recorded). */
  @Column({ type: 'varchar', length: 8, default: 'fr' })
  locale: Locale;

  /** Version of the terms of use (CGU) accepted, and when. */
  @Column({ name: 'terms_version', type: 'varchar', length: 16, nullable: true })
  termsVersion: string | null;

  @Column({ name: 'terms_accepted_at', type: 'timestamptz', nullable: true })
  termsAcceptedAt: Date | null;

  /** Version of the personal-data notice (RGPD) consented to, and when. */
  @Column({ name: 'privacy_version', type: 'varchar', length: 16, nullable: true })
  privacyVersion: string | null;

  @Column({ name: 'privacy_accepted_at', type: 'timestamptz', nullable: true })
  privacyAcceptedAt: Date | null;

  /** argon2id, PHC string format. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, nullable: true })
  passwordHash: string | null;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: AccountStatus;

  /**
   * `invitation`: created by someone else, pending until the person sets their password through the invitation link;
   * never purged silently (the 30-day purge is for self-registered accounts only).
   */
  @Column({ type: 'varchar', length: 16, default: 'registration' })
  origin: AccountOrigin;

  /** Who invited the person (an account or operator id, kept as an id only). */
  @Column({ name: 'invited_by', type: 'varchar', length: 128, nullable: true })
  invitedBy: string | null;

  /** When the reminder before the 30-day purge of an unactivated account was sent. */
  @Column({ name: 'activation_reminded_at', type: 'timestamptz', nullable: true })
  activationRemindedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
