import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { useLocale } from '../../../platform/i18n/i18n';

/**
 * The JSON API answers in French whatever the caller's `Accept-Language` (docs/i18n.md: problem details are for
 * developers, in French): the use cases it shares with the pages give their messages in the request's language.
 */
@Injectable()
export class FrenchProblems implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    useLocale('fr');
    return next.handle();
  }
}
