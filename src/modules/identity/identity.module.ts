import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountSecret } from './entities/account-secret.entity';
import { Account } from './entities/account.entity';
import { SignInThrottleEntry } from './entities/sign-in-throttle.entity';
import { WebSession } from './entities/web-session.entity';
import { AccountSpaceController } from './pages/account-space.controller';
import { AccountPagesController } from './pages/account-pages.controller';
import { AccountSpaceSessions } from './pages/account-session';
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
import { NotificationsModule } from '../notifications';
import { WebSessionStore } from './web-session.store';
import { IdentityService } from './identity.service';
import { SignInThrottle } from './sign-in.throttle';

@Module({
  imports: [
    TypeOrmModule.forFeature([Account, AccountSecret, SignInThrottleEntry, WebSession, IdentityDocument]),
    NotificationsModule,
  ],
  controllers: [
    AccountSpaceController,
    AccountPagesController,
    RegistrationController,
    ActivationController,
    RecoveryController,
    InvitationController,
  ],
  providers: [
    IdentityService,
    SignInThrottle,
    WebSessionStore,
    RegistrationService,
    RegistrationValidator,
    IdentifierSuggestions,
    ActivationLinks,
    ActivationService,
    PendingAccountsJob,
    InvitationService,
    AccountSecrets,
    AccountAccessPort,
    AccountService,
    RecoveryService,
    AccountSpaceSessions,
    IdentityDocuments,
  ],
  exports: [
    IdentityService,
    SignInThrottle,
    RegistrationService,
    ActivationService,
    PendingAccountsJob,
    AccountAccessPort,
    AccountService,
    AccountSpaceSessions,
  ],
})
export class IdentityModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(documentUploadMiddleware).forRoutes({ path: 'inscription/:profile', method: RequestMethod.POST });
  }
}
