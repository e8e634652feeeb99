import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PlatformError, PlatformErrorCode } from '../errors';

export const ACCESS_POLICY = 'platform:access-policy';

export type AccessPolicy = { kind: 'public' } | { kind: 'permission'; permission: string };

/** The route is open to anyone, signed in or not. */
export const Public = () => SetMetadata(ACCESS_POLICY, { kind: 'public' } satisfies AccessPolicy);

/**
 * Every route states its access policy (`@Public()`, or a permission once accounts and operators exist). A route
 * without one is refused at run time, and the route-inventory test fails, so that forgetting it never opens a route.
 */
@Injectable()
export class AccessPolicyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const policy = this.reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (policy?.kind === 'public') return true;
    // Permission checks arrive with the operators' roles and the account sessions; until then, nothing else passes.
    throw new PlatformError(PlatformErrorCode.ACCESS_DENIED);
  }
}
