import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountSecret } from './entities/account-secret.entity';
import { Account } from './entities/account.entity';
import { SignInThrottleEntry } from './entities/sign-in-throttle.entity';
import { AccountPagesController } from './pages/account-pages.controller';
import { ACCOUNT_SPACE, ActiveAccounts } from './pages/account-session';
import { FirstPartySpaceModule } from '../../platform/first-party/first-party.module';
import { SIGNED_IN_ACCOUNTS } from '../../platform/http/access-policy';
import { RecoveryController } from './pages/recovery.controller';
import { AccountService } from './account.service';
import { RecoveryService } from './recovery.service';
import { ActivationController, RegistrationController } from './pages/registration.controller';
import { RegistrationService } from './registration.service';
import { AccountSecrets } from './account-secrets';
import { IdentityDocument } from './entities/identity-document.entity';
import { IdentityDocuments } from './identity-documents';
import { documentUploadMiddleware } from './pages/document-upload.middleware';
import { AccountAccessPort } from './account-access';
import { NotificationsModule } from '../notifications';
import { IdentityService } from './identity.service';
import { SignInThrottle } from './sign-in.throttle';

@Module({
  imports: [
    TypeOrmModule.forFeature([Account, AccountSecret, SignInThrottleEntry, IdentityDocument]),
    NotificationsModule,
    FirstPartySpaceModule.register(ACCOUNT_SPACE),
  ],
  controllers: [AccountPagesController, RegistrationController, ActivationController, RecoveryController],
  providers: [
    IdentityService,
    SignInThrottle,
    RegistrationService,
    AccountSecrets,
    AccountAccessPort,
    AccountService,
    RecoveryService,
    ActiveAccounts,
    { provide: SIGNED_IN_ACCOUNTS, useExisting: ActiveAccounts },
    IdentityDocuments,
  ],
  exports: [IdentityService, SignInThrottle, RegistrationService, AccountAccessPort, AccountService],
})
export class IdentityModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(documentUploadMiddleware).forRoutes({ path: 'inscription/:profile', method: RequestMethod.POST });
  }
}
