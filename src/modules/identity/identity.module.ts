import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Account } from './entities/account.entity';
import { SignInThrottleEntry } from './entities/sign-in-throttle.entity';
import { WebSession } from './entities/web-session.entity';
import { AccountSpaceController } from './pages/account-space.controller';
import { WebSessionStore } from './web-session.store';
import { IdentityService } from './identity.service';
import { SignInThrottle } from './sign-in.throttle';

@Module({
  imports: [TypeOrmModule.forFeature([Account, SignInThrottleEntry, WebSession])],
  controllers: [AccountSpaceController],
  providers: [IdentityService, SignInThrottle, WebSessionStore],
  exports: [IdentityService, SignInThrottle],
})
export class IdentityModule {}
