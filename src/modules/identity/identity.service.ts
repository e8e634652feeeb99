import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { EMAIL, IDENTIFIER, IDENTIFIER_RULE } from './account-format';
import { Account } from './entities/account.entity';
import { IdentityError, IdentityErrorCode } from './identity.errors';
import { passwordHasher } from './password-hasher';

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
  /** The CGU version last accepted (`null`: created by an operator, never asked). */
  termsVersion: string | null;
  createdAt: Date;
}

/** People and their credentials. */
@Injectable()
export class IdentityService {
  constructor(@InjectRepository(Account) private readonly accounts: Repository<Account>) {}

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

  async list(limit = 100): Promise<AccountView[]> {
    return (await this.accounts.find({ order: { createdAt: 'ASC' }, take: limit })).map(view);
  }
}

function view(account: Account): AccountView {
  const { id, identifier, email, emailVerified, givenName, familyName, status, termsVersion, createdAt } = account;
  return { id, identifier, email, emailVerified, givenName, familyName, status, termsVersion, createdAt };
}
