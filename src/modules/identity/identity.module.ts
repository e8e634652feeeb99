import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Account } from './entities/account.entity';
import { SignInThrottleEntry } from './entities/sign-in-throttle.entity';
import { IdentityService } from './identity.service';
import { SignInThrottle } from './sign-in.throttle';

@Module({
  imports: [TypeOrmModule.forFeature([Account, SignInThrottleEntry])],
  providers: [IdentityService, SignInThrottle],
  exports: [IdentityService, SignInThrottle],
})
export class IdentityModule {}
