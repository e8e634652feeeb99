import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Account } from './entities/account.entity';
import { IdentityService } from './identity.service';

@Module({
  imports: [TypeOrmModule.forFeature([Account])],
  providers: [IdentityService],
  exports: [IdentityService],
})
export class IdentityModule {}
