import { DOCUMENT_KINDS, IdentityDocuments } from './identity-documents';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { AuditService, type AuditRecord } from '../../platform/audit';
import { DomainEvents } from '../../platform/events';
import { EMAIL, IDENTIFIER, IDENTIFIER_RULE } from './account-format';
import { AccountAccessPort } from './account-access';
import { Account } from './entities/account.entity';
import { IdentityError, IdentityErrorCode } from './identity.errors';
import { InvitationService, type AccountInvitation } from './invitation.service';
import { passwordHasher } from './password-hasher';
import { WebSessionStore } from '../../platform/first-party/web-session.store';
import { ActivationLinks } from './activation-links';
import { RecoveryService } from './recovery.service';
import { AccountService } from './account.service';
import { OrganisationNumbersPort } from './organisation-numbers.port';

/** What an operator searches accounts by (the console). */
export interface AccountSearch {
  /** Part of the identifier, e-mail, given or family name, or SIREN. */
  text?: string;
  status?: Account['status'];
  limit?: number;
}

/** Who acts on an account from another module: an account, an operator, or the system. */
export type AccountActor = AuditRecord['actor'];

export interface NewAccount {
  email: string;
  password: string;
  identifier?: string;
  givenName?: string;
  familyName?: string;
}

/** What other modules see of an account. */
export interface AccountView {
  id: string;
  identifier: string;
  email: string;
  emailVerified: boolean;
  givenName: string | null;
  familyName: string | null;
  status: Account['status'];
  /** `invitation`: created by someone else (`inviteAccount`). */
  origin: Account['origin'];
  /** Whether the account can sign in with a password (not an account created through FranceConnect without one). */
  hasPassword: boolean;
  /** The CGU version last accepted (`null`: created by an operator, never asked). */
  termsVersion: string | null;
  /** The language of its e-mails (docs/i18n.md). */
  locale: Account['locale'];
  createdAt: Date;
}

/** What a company's registration (Entreprise profile) recorded: read by « Gestion des Comptes » (secondary-accounts). */
export interface CompanyRegistration {
  accountId: string;
  identifier: string;
  email: string;
  organisationName: string | null;
  civility: Account['civility'];
  givenName: string | null;
  familyName: string | null;
  phone: string | null;
  addressLine: string | null;
  addressComplement: string | null;
  postalCode: string | null;
  city: string | null;
  country: string | null;
  createdAt: Date;
}

/**
 * People and their credentials: identity's public face. Other modules get an `AccountView` (never the entity, never
 * its password hash) and these use cases; they learn what happens to accounts through identity's domain events.
 */
/** An identity document as the console shows it. */
export interface IdentityDocumentView {
  id: string;
  /** « Carte d’identité », … */
  kind: string;
  mediaType: 'image/png' | 'image/jpeg' | 'application/pdf';
  size: number;
  createdAt: Date;
}

@Injectable()
export class IdentityService {
  constructor(
    @InjectRepository(Account) private readonly accounts: Repository<Account>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly access: AccountAccessPort,
    private readonly webSessions: WebSessionStore,
    private readonly invitations: InvitationService,
    private readonly activationLinks: ActivationLinks,
    private readonly recovery: RecoveryService,
    private readonly accountService: AccountService,
    private readonly documents: IdentityDocuments,
    private readonly organisationNumbers: OrganisationNumbersPort,
  ) {}

  /**
   * The identity documents an account holds (for the operators' console), newest first: kind (French), media type,
   * size and date, never the file.
   */
  async identityDocumentsOf(accountId: string): Promise<IdentityDocumentView[]> {
    return (await this.documents.forAccount(accountId)).map((d) => ({
      id: d.id,
      kind: DOCUMENT_KINDS[d.kind],
      mediaType: d.mediaType,
      size: d.size,
      createdAt: d.createdAt,
    }));
  }

  /** One identity document of this account, with its file (never another account's); `undefined` otherwise. */
  async readIdentityDocument(
    accountId: string,
    documentId: string,
  ): Promise<{ document: IdentityDocumentView; data: Buffer } | undefined> {
    const found = await this.documents.read(accountId, documentId);
    if (!found) return undefined;
    const d = found.document;
    return {
      document: {
        id: d.id,
        kind: DOCUMENT_KINDS[d.kind],
        mediaType: d.mediaType,
        size: d.size,
        createdAt: d.createdAt,
      },
      data: found.data,
    };
  }

  /**
   * Deletes an account on an operator's decision: sessions and grants end, identity documents and personal data go,
   * the holder is told by e-mail; the audit trail keeps the operator as the actor.
   */
  async deleteAccount(accountId: string, by: { type: 'operator'; id: string }): Promise<void> {
    await this.accountService.deleteByOperator(accountId, by.id);
  }

  /** Accounts matching a search, the most recent first (the console's account search). */
  async search(query: AccountSearch): Promise<AccountView[]> {
    const builder = this.accounts.createQueryBuilder('account').orderBy('account.created_at', 'DESC');
    const text = query.text?.trim().toLowerCase();
    if (text) {
      const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      // A SIREN or SIRET (or part of one): the accounts the company accounts module knows by it.
      const digits = text.replace(/\s/g, '');
      const numbered = /^[0-9]{3,14}$/.test(digits) ? await this.organisationNumbers.accountsMatching(digits, 200) : [];
      builder.andWhere(
        `(account.identifier LIKE :like OR account.email LIKE :like OR lower(account.given_name) LIKE :like
          OR lower(account.family_name) LIKE :like${numbered.length ? ' OR account.id IN (:...numbered)' : ''})`,
        { like, numbered },
      );
    }
    if (query.status) builder.andWhere('account.status = :status', { status: query.status });
    return (await builder.take(Math.min(Math.max(query.limit ?? 50, 1), 200)).getMany()).map(view);
  }

  /**
   * A new activation link for an account still pending (the earlier ones spent): the invitation again for an invited
   * account, else the registration's activation e-mail. Audited with the actor.
   */
  async resendActivation(accountId: string, by: AccountActor): Promise<void> {
    const account = await this.accounts.findOneBy({ id: accountId });
    if (!account) throw new IdentityError(IdentityErrorCode.ACCOUNT_NOT_FOUND, 'Compte introuvable.');
    if (account.status !== 'pending') {
      throw new IdentityError(IdentityErrorCode.ACCOUNT_NOT_FOUND, 'Ce compte n’attend pas d’activation.');
    }
    if (account.origin === 'invitation') {
      return this.resendInvitation(accountId, { actor: by, name: 'l’équipe de la plateforme' });
    }
    await this.dataSource.transaction(async (manager) => {
      await this.activationLinks.sendLink(manager, account, 'account-activation');
      await this.audit.record(
        {
          actor: by,
          action: 'identity.activation.resent',
          target: { type: 'account', id: accountId },
          outcome: 'success',
        },
        manager,
      );
    });
  }

  /** A password-reset link by e-mail to an active account, on someone else's request (who never sees the password). */
  async sendPasswordReset(accountId: string, by: AccountActor): Promise<void> {
    await this.recovery.sendLinkFor(accountId, by);
  }

  /**
   * An account created for someone else (a collaborator, a client): pending, without a password; the person receives
   * an invitation e-mail whose link leads to the page where they choose their own password. Refused (`EMAIL_TAKEN`,
   * `FORM_INVALID` with French messages per field) when the address is used or the names are missing.
   */
  async inviteAccount(input: AccountInvitation): Promise<AccountView> {
    return view(await this.invitations.invite(input));
  }

  /** A new invitation link for an invited account still pending (the earlier ones no longer work). */
  async resendInvitation(accountId: string, invitedBy: AccountInvitation['invitedBy']): Promise<void> {
    await this.invitations.resend(accountId, invitedBy);
  }

  /**
   * Refuses sign-in from now on, and ends everything open at once: account-space sessions, every provider session
   * (each site told by back-channel logout, through the outbox) and every grant with its tokens. Idempotent.
   */
  async disable(accountId: string, by: AccountActor = { type: 'system' }): Promise<AccountView> {
    const account = await this.setStatus(accountId, 'disabled', by);
    // After the commit: the provider's state is read and written on other connections.
    await this.webSessions.closeAllForAccount(accountId);
    await this.access.endAllSessions(accountId);
    await this.access.revokeAllGrants(accountId);
    await this.events.publish('identity.account.disabled', { accountId, occurredAt: new Date(), by: by.id ?? null });
    return view(account);
  }

  /**
   * Allows sign-in again: back to `active`, or to `pending` for an account that was never activated (no verified
   * address or mobile). Idempotent.
   */
  async enable(accountId: string, by: AccountActor = { type: 'system' }): Promise<AccountView> {
    const account = await this.setStatus(accountId, 'enabled', by);
    await this.events.publish('identity.account.enabled', { accountId, occurredAt: new Date(), by: by.id ?? null });
    return view(account);
  }

  private async setStatus(accountId: string, change: 'disabled' | 'enabled', by: AccountActor): Promise<Account> {
    return this.dataSource.transaction(async (manager) => {
      const accounts = manager.getRepository(Account);
      const account = await accounts.findOne({ where: { id: accountId }, lock: { mode: 'pessimistic_write' } });
      if (!account) throw new IdentityError(IdentityErrorCode.ACCOUNT_NOT_FOUND, 'Compte introuvable.');
      const status =
        change === 'disabled'
          ? 'disabled'
          : account.status !== 'disabled'
            ? account.status
            : account.emailVerified || account.mobilePhoneVerified
              ? 'active'
              : 'pending';
      if (status !== account.status) {
        await accounts.update({ id: accountId }, { status });
        account.status = status;
      }
      await this.audit.record(
        {
          actor: by,
          action: `identity.account.${change}`,
          target: { type: 'account', id: accountId },
          outcome: 'success',
        },
        manager,
      );
      return account;
    });
  }

  /** An active account (command line, demo data); registration with activation comes with the account pages. */
  async createActiveAccount(input: NewAccount): Promise<AccountView> {
    const email = input.email.trim().toLowerCase();
    if (!EMAIL.test(email))
      throw new IdentityError(IdentityErrorCode.INVALID_EMAIL, `Adresse électronique invalide : ${input.email}`);
    const identifier = (input.identifier ?? email.split('@')[0]).trim().toLowerCase();
    if (!IDENTIFIER.test(identifier)) {
      throw new IdentityError(IdentityErrorCode.INVALID_IDENTIFIER, IDENTIFIER_RULE);
    }
    if (input.password.length < 8) {
      throw new IdentityError(IdentityErrorCode.WEAK_PASSWORD, 'Le mot de passe doit compter au moins 8 caractères.');
    }
    if (await this.accounts.existsBy({ email })) {
      throw new IdentityError(
        IdentityErrorCode.EMAIL_TAKEN,
        'Cette adresse électronique est déjà utilisée par un compte.',
      );
    }
    if (await this.accounts.existsBy({ identifier })) {
      throw new IdentityError(IdentityErrorCode.IDENTIFIER_TAKEN, `L’identifiant « ${identifier} » est déjà pris.`);
    }
    const account = await this.accounts.save(
      this.accounts.create({
        email,
        identifier,
        emailVerified: true,
        givenName: input.givenName?.trim() || null,
        familyName: input.familyName?.trim() || null,
        passwordHash: await passwordHasher.hash(input.password),
        status: 'active',
      }),
    );
    return view(account);
  }

  /**
   * The active account that this identifier (or e-mail) and password open, or `undefined`, in about the same time
   * whether the account exists or not.
   */
  async authenticate(login: string, password: string): Promise<AccountView | undefined> {
    const account = await this.verifyPassword(login, password);
    return account?.status === 'active' ? account : undefined;
  }

  /**
   * The account, whatever its status, that this identifier (or e-mail) and password open: the sign-in page tells a
   * person who knows the password that the account still awaits activation. Same timing whether it exists or not.
   */
  async verifyPassword(login: string, password: string): Promise<AccountView | undefined> {
    const normalized = login.trim().toLowerCase();
    const account = await this.accounts.findOne({
      where: normalized.includes('@') ? { email: normalized } : { identifier: normalized },
    });
    const valid = await passwordHasher.verify(account?.passwordHash, password);
    return valid && account ? view(account) : undefined;
  }

  async findById(id: string): Promise<AccountView | undefined> {
    const account = await this.accounts.findOneBy({ id });
    return account ? view(account) : undefined;
  }

  /** The account with this e-mail address or identifier (operators' command line, console). */
  async findByLogin(login: string): Promise<AccountView | undefined> {
    const normalized = login.trim().toLowerCase();
    const account = await this.accounts.findOneBy(
      normalized.includes('@') ? { email: normalized } : { identifier: normalized },
    );
    return account ? view(account) : undefined;
  }

  /** How many accounts in each status (the console's dashboard). */
  async countByStatus(): Promise<Record<Account['status'], number>> {
    const rows = await this.accounts
      .createQueryBuilder('account')
      .select('account.status', 'status')
      .addSelect('count(*)::int', 'count')
      .groupBy('account.status')
      .getRawMany<{ status: Account['status']; count: number }>();
    const counts: Record<Account['status'], number> = { pending: 0, active: 0, disabled: 0 };
    for (const row of rows) counts[row.status] = row.count;
    return counts;
  }

  /** The account holding this e-mail address, if any (another module attaches it instead of inviting it again). */
  async findByEmail(email: string): Promise<AccountView | undefined> {
    const account = await this.accounts.findOneBy({ email: email.trim().toLowerCase() });
    return account ? view(account) : undefined;
  }

  /**
   * The registration of an Entreprise account (organisation, responsable, address), or `undefined`. Its SIREN/SIRET
   * are the company accounts module's (`OrganisationNumbersPort`).
   */
  async companyRegistration(accountId: string): Promise<CompanyRegistration | undefined> {
    const a = await this.accounts.findOneBy({ id: accountId, profile: 'entreprise' });
    if (!a) return undefined;
    return {
      accountId: a.id,
      identifier: a.identifier,
      email: a.email,
      organisationName: a.organisationName,
      civility: a.civility,
      givenName: a.givenName,
      familyName: a.familyName,
      phone: a.landlinePhone ?? a.mobilePhone,
      addressLine: a.addressLine,
      addressComplement: a.addressComplement,
      postalCode: a.postalCode,
      city: a.city,
      country: a.country,
      createdAt: a.createdAt,
    };
  }

  async list(limit = 100): Promise<AccountView[]> {
    return (await this.accounts.find({ order: { createdAt: 'ASC' }, take: limit })).map(view);
  }
}

function view(account: Account): AccountView {
  const {
    id,
    identifier,
    email,
    emailVerified,
    givenName,
    familyName,
    status,
    origin,
    termsVersion,
    locale,
    createdAt,
  } = account;
  const hasPassword = Boolean(account.passwordHash);
  return {
    id,
    identifier,
    email,
    emailVerified,
    givenName,
    familyName,
    status,
    origin,
    hasPassword,
    termsVersion,
    locale,
    createdAt,
  };
}
