import { Injectable } from '@nestjs/common';

/** The module's clock: what « today » is for subscription dates. Tests move it (expiry, not yet started). */
@Injectable()
export class SubscriptionsClock {
  now(): Date {
    return new Date();
  }
}
