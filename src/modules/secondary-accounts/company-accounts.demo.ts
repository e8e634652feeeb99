import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { IdentityService } from '../identity';
import { CompanyAccount, type CompanyStatus } from './entities/company-account.entity';
import { Mailboxes } from './mailboxes.service';
import { SecondaryAccounts } from './secondary-accounts.service';
import { Teleprocedures } from './teleprocedures.service';

/** The demo's primary company account (the declarations portal's guide: « COMPTE ASP1ENT DEV », asp1ent). */
export const DEMO_COMPANY = {
  login: 'asp1ent',
  email: 'contact@asp1ent.exemple.fr',
  password: 'Demo-mot-de-passe-1',
};

/** The téléprocédures of the guide's catalogue. */
const CATALOGUE = [
  {
    code: 'AED',
    description: 'Attestation Employeur Dématérialisée',
    recipients: ['Pôle Emploi'],
    documentTypes: ['Attestation employeur', 'Accusé de réception'],
  },
  {
    code: 'DADS-U',
    description: 'Déclaration Annuelle des Données Sociales Unifiées',
    recipients: ['CNAV', 'AGIRC / ARRCO', 'UCF CI-BTP', 'Net-Entreprises'],
    documentTypes: ['Déclaration', 'Compte rendu de traitement'],
  },
  {
    code: 'DPAE',
    description: 'Déclaration Préalable à l’Embauche (ex DUE)',
    recipients: ['CIRSO', 'MSA'],
    documentTypes: ['Déclaration', 'Accusé de réception'],
  },
  {
    code: 'DRP',
    description: 'Déclaration des Revenus Professionnels',
    recipients: ['SSI (ex RSI)'],
    documentTypes: ['Déclaration'],
  },
  {
    code: 'DSI',
    description: 'Déclaration Sociale des Indépendants',
    recipients: ['SSI (ex RSI)'],
    documentTypes: ['Déclaration', 'Accusé de réception'],
  },
];

/** The guide's five secondary accounts, in its states (Fermé, Demande validée, Ouvert; with or without a mailbox). */
const SECONDARIES: Array<{
  name: string;
  nic: string;
  companyName: string;
  familyName: string;
  givenName: string | null;
  status: CompanyStatus;
  mailbox: boolean;
  teleprocedures: string[];
}> = [
  {
    name: 'fdn25',
    nic: '00027',
    companyName: 'TEST',
    familyName: 'BRUN',
    givenName: 'Thomas',
    status: 'closed',
    mailbox: true,
    teleprocedures: ['AED'],
  },
  {
    name: 'lvt',
    nic: '00035',
    companyName: 'TEST LVT23',
    familyName: 'Veuillet',
    givenName: null,
    status: 'closed',
    mailbox: true,
    teleprocedures: ['AED', 'DPAE'],
  },
  {
    name: 'sqdqd',
    nic: '00043',
    companyName: 'eqfe',
    familyName: 'qfd',
    givenName: null,
    status: 'validated',
    mailbox: false,
    teleprocedures: [],
  },
  {
    name: 'tbn1',
    nic: '00050',
    companyName: 'TEST MIGRATION TBN ENT SECONDAIRE',
    familyName: 'BRUN',
    givenName: null,
    status: 'open',
    mailbox: true,
    teleprocedures: ['AED', 'DADS-U', 'DSI'],
  },
  {
    name: 'tbn2',
    nic: '00068',
    companyName: 'COMPTE TBN 2 (SANS BAL)',
    familyName: 'BRUN',
    givenName: null,
    status: 'open',
    mailbox: false,
    teleprocedures: ['DADS-U'],
  },
];

/**
 * Demo data of « Gestion des Comptes » for `npm start` (never in production): the téléprocédures catalogue, the
 * primary account asp1ent and its five secondary accounts in the guide's states. Once only: nothing is done when
 * asp1ent exists.
 */
@Injectable()
export class CompanyAccountsDemo {
  constructor(
    @InjectRepository(CompanyAccount) private readonly companies: Repository<CompanyAccount>,
    private readonly identity: IdentityService,
    private readonly teleprocedures: Teleprocedures,
    private readonly secondaries: SecondaryAccounts,
    private readonly mailboxes: Mailboxes,
  ) {}

  async seed(): Promise<void> {
    if (await this.companies.existsBy({ login: DEMO_COMPANY.login })) return;
    for (const entry of CATALOGUE) await this.teleprocedures.add(entry);
    const account =
      (await this.identity.findByLogin(DEMO_COMPANY.login)) ??
      (await this.identity.createActiveAccount({
        identifier: DEMO_COMPANY.login,
        email: DEMO_COMPANY.email,
        password: DEMO_COMPANY.password,
        givenName: 'Pierre',
        familyName: 'DUPONT',
      }));
    const primary = await this.companies.save(
      this.companies.create({
        accountId: account.id,
        login: DEMO_COMPANY.login,
        siren: '079555421',
        nic: '00019',
        name: 'COMPTE ASP1ENT DEV',
        type: 'entreprise',
        profile: 'primary',
        status: 'open',
        test: true,
        secondaryQuota: 3,
        civility: 'monsieur',
        familyName: 'DUPONT',
        givenName: 'Pierre',
        streetNumber: '56',
        streetName: 'rue de Billancourt',
        addressComplement: 'complément adresse',
        postalCode: '92100',
        city: 'BOULOGNE BILLANCOURT',
        country: 'France',
        email: DEMO_COMPANY.email,
        phone: '0149098737',
        technicalContactName: 'NOM TEST',
        technicalContactEmail: DEMO_COMPANY.email,
        technicalContactPhone: '0149098737',
        administrativeContactName: 'Pierre DUPONT',
        administrativeContactEmail: DEMO_COMPANY.email,
        administrativeContactPhone: '0149098737',
        billingDate: new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' }),
      }),
    );
    await this.teleprocedures.savePrimaryOptions(
      primary,
      { quota: '3', teleprocedures: CATALOGUE.map((t) => t.code) },
      account.id,
    );
    for (const s of SECONDARIES) {
      const created = await this.secondaries.create(
        primary,
        {
          name: s.name,
          password: DEMO_COMPANY.password,
          passwordConfirmation: DEMO_COMPANY.password,
          autonomous: false,
          mailbox: false,
          teleprocedures: s.teleprocedures,
        },
        account.id,
      );
      const login = `${s.name}.${DEMO_COMPANY.login}`;
      await this.companies.update(
        { id: created.id },
        {
          nic: s.nic,
          name: s.companyName,
          familyName: s.familyName,
          givenName: s.givenName,
          civility: null,
          hasMailbox: s.mailbox,
          mailboxAddress: s.mailbox && this.mailboxes.available ? this.mailboxes.addressOf(login) : null,
          status: s.status === 'validated' ? 'validated' : 'open',
        },
      );
      if (s.status === 'closed') await this.secondaries.deactivate(primary, created.id, account.id);
    }
  }
}
