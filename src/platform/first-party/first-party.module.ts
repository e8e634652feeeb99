import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { registerFirstPartyClient, type FirstPartySpace } from '../first-party-clients';
import { firstPartySignInController } from './first-party-sign-in.controller';
import { WebSession } from './web-session.entity';
import { WebSessionStore } from './web-session.store';

/** The first-party sessions table and its store, for the access policy and for the modules that end sessions. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([WebSession])],
  providers: [WebSessionStore],
  exports: [WebSessionStore],
})
export class FirstPartySessionsModule {}

/**
 * One first-party space: a module adds `FirstPartySpaceModule.register({ clientId, name, path, scope })` to its imports,
 * and gets a client registered at the provider, the sign-in routes under its path, and `@SignedIn()` for its pages.
 */
@Module({})
export class FirstPartySpaceModule {
  static register(definition: FirstPartySpace): DynamicModule {
    const space = registerFirstPartyClient(definition);
    return { module: FirstPartySpaceModule, controllers: [firstPartySignInController(space)] };
  }
}
