import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountSecret } from './entities/account-secret.entity';
import { Account } from './entities/account.entity';
import { SignInThrottleEntry } from './entities/sign-in-throttle.entity';
import { WebSession } from './entities/web-session.entity';
import { AccountSpaceController } from './pages/account-space.controller';
import { ActivationController, RegistrationController } from './pages/registration.controller';
import { RegistrationService } from './registration.service';
import { AccountSecrets } from './account-secrets';
import { NotificationsModule } from '../notifications';
import { WebSessionStore } from './web-session.store';
import { IdentityService } from './identity.service';
import { SignInThrottle } from './sign-in.throttle';

@Module({
  imports: [TypeOrmModule.forFeature([Account, AccountSecret, SignInThrottleEntry, WebSession]), NotificationsModule],
  controllers: [AccountSpaceController, RegistrationController, ActivationController],
  providers: [IdentityService, SignInThrottle, WebSessionStore, RegistrationService, AccountSecrets],
  exports: [IdentityService, SignInThrottle, RegistrationService],
})
export class IdentityModule {}
