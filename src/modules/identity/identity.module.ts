import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountSecret } from './entities/account-secret.entity';
import { Account } from './entities/account.entity';
import { SignInThrottleEntry } from './entities/sign-in-throttle.entity';
import { AccountHomeController } from './pages/account/home.controller';
import { EmailController } from './pages/account/email.controller';
import { PasswordController } from './pages/account/password.controller';
import { PersonalDataController } from './pages/account/personal-data.controller';
import { ProfileController } from './pages/account/profile.controller';
import { SecurityController } from './pages/account/security.controller';
import { ACCOUNT_SPACE, ActiveAccounts } from './pages/account-space';
import { FirstPartySpaceModule } from '../../platform/first-party/first-party.module';
import { SIGNED_IN_ACCOUNTS } from '../../platform/http/access-policy';
import { MenuRegistry } from '../../platform/views/menus';
import { RecoveryController } from './pages/recovery.controller';
import { AccountService } from './account.service';
import { RecoveryService } from './recovery.service';
import { ActivationController, RegistrationController } from './pages/registration.controller';
import { RegistrationService } from './registration.service';
import { RegistrationValidator } from './registration-validator';
import { IdentifierSuggestions } from './identifier-suggestions';
import { ActivationLinks } from './activation-links';
import { ActivationService } from './activation.service';
import { PendingAccountsJob } from './pending-accounts.job';
import { InvitationService } from './invitation.service';
import { InvitationController } from './pages/invitation.controller';
import { AccountSecrets } from './account-secrets';
import { IdentityDocument } from './entities/identity-document.entity';
import { IdentityDocuments } from './identity-documents';
import { documentUploadMiddleware } from './pages/document-upload.middleware';
import { AccountAccessPort } from './account-access';
import { OrganisationNumbersPort } from './organisation-numbers.port';
import { PasswordChangeHooks } from './password-change.hooks';
import { NotificationsModule } from '../notifications';
import { IdentityService } from './identity.service';
import { SignInThrottle } from './sign-in.throttle';
import { PersonalAccountRegistration } from './personal-account-registration';
import { CompanyRegistration } from './company-registration';
import { RegistrationDraft } from './entities/registration-draft.entity';
import { CompanyRegistrationController } from './pages/company-registration.controller';

@Module({
  imports: [
    TypeOrmModule.forFeature([Account, AccountSecret, SignInThrottleEntry, IdentityDocument, RegistrationDraft]),
    NotificationsModule,
    FirstPartySpaceModule.register(ACCOUNT_SPACE),
  ],
  controllers: [
    // « Mon compte », one controller per section of its menu.
    AccountHomeController,
    ProfileController,
    EmailController,
    PasswordController,
    SecurityController,
    PersonalDataController,
    RegistrationController,
    CompanyRegistrationController,
    ActivationController,
    RecoveryController,
    InvitationController,
  ],
  providers: [
    IdentityService,
    SignInThrottle,
    RegistrationService,
    RegistrationValidator,
    IdentifierSuggestions,
    ActivationLinks,
    ActivationService,
    PendingAccountsJob,
    InvitationService,
    AccountSecrets,
    AccountAccessPort,
    OrganisationNumbersPort,
    PasswordChangeHooks,
    AccountService,
    RecoveryService,
    ActiveAccounts,
    { provide: SIGNED_IN_ACCOUNTS, useExisting: ActiveAccounts },
    IdentityDocuments,
    PersonalAccountRegistration,
    CompanyRegistration,
  ],
  exports: [
    IdentityService,
    SignInThrottle,
    RegistrationService,
    ActivationService,
    PendingAccountsJob,
    AccountAccessPort,
    OrganisationNumbersPort,
    PasswordChangeHooks,
    AccountService,
    PersonalAccountRegistration,
  ],
})
export class IdentityModule implements NestModule {
  constructor(menus: MenuRegistry) {
    menus.add(
      'account',
      { key: 'home', href: '/compte', label: 'Vue d’ensemble', labelKey: 'account:menu.home', order: 10 },
      { key: 'profile', href: '/compte/profil', label: 'Mon profil', labelKey: 'account:menu.profile', order: 20 },
      {
        key: 'email',
        href: '/compte/adresse-electronique',
        label: 'Adresse électronique',
        labelKey: 'account:menu.email',
        order: 30,
      },
      {
        key: 'password',
        href: '/compte/mot-de-passe',
        label: 'Mot de passe',
        labelKey: 'account:menu.password',
        order: 40,
      },
      { key: 'security', href: '/compte/securite', label: 'Sécurité', labelKey: 'account:menu.security', order: 50 },
      { key: 'data', href: '/compte/donnees', label: 'Mes données', labelKey: 'account:menu.data', order: 60 },
    );
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(documentUploadMiddleware)
      .forRoutes({ path: 'inscription/entreprise/etape/:step', method: RequestMethod.POST });
  }
}
