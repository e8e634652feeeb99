import { Controller, Get, Render } from '@nestjs/common';
import { currentLocale } from '../../../platform/i18n/i18n';
import { Public } from '../../../platform/http/access-policy';
import type { LegalDocumentKind } from '../entities/legal-document.entity';
import { LegalDocumentsService, legalTitle } from '../legal-documents.service';

/** « 1 décembre 2026 », « 1 December 2026 »: Paris time, in the page's language. */
const longDate = (date: Date) =>
  new Intl.DateTimeFormat(currentLocale() === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'long',
    timeZone: 'Europe/Paris',
  }).format(date);

/**
 * The legal pages the footer and the registration consents link to: the current version of each document. An English
 * page shows the version's English text when the operator gave one; otherwise the French text (marked `lang="fr"`)
 * under the document's English name and a notice that it exists in French only.
 */
@Controller()
export class LegalPagesController {
  constructor(private readonly legal: LegalDocumentsService) {}

  @Public()
  @Get('cgu')
  @Render('modules/legal/views/document.njk')
  terms() {
    return this.page('cgu');
  }

  @Public()
  @Get('donnees-personnelles')
  @Render('modules/legal/views/document.njk')
  privacy() {
    return this.page('donnees-personnelles');
  }

  @Public()
  @Get('mentions-legales')
  @Render('modules/legal/views/document.njk')
  notice() {
    return this.page('mentions-legales');
  }

  @Public()
  @Get('accessibilite')
  @Render('modules/legal/views/document.njk')
  accessibility() {
    return this.page('accessibilite');
  }

  private async page(kind: LegalDocumentKind) {
    const document = await this.legal.current(kind);
    const french = currentLocale() === 'fr';
    const english = french ? undefined : document.english;
    const frenchOnly = !french && !english;
    const heading = english?.title ?? (frenchOnly ? legalTitle(kind) : document.title);
    return {
      title: heading,
      heading,
      document,
      html: english?.html ?? document.html,
      frenchOnly,
      publishedOn: document.publishedAt ? longDate(document.publishedAt) : undefined,
    };
  }
}
