import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { useLocale } from '../../../platform/i18n/i18n';

/**
 * The JSON API speaks French whatever the caller's `Accept-Language` (docs/i18n.md: problem details are for
 * developers, in French): the services' messages, which follow the request's language on the pages, are French here.
 */
@Injectable()
export class FrenchInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    useLocale('fr');
    return next.handle();
  }
}
