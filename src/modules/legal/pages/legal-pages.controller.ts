import { Controller, Get, Render } from '@nestjs/common';
import { Public } from '../../../platform/http/access-policy';
import type { LegalDocumentKind } from '../entities/legal-document.entity';
import { LegalDocumentsService } from '../legal-documents.service';

const frenchDate = (date: Date) =>
  new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' }).format(date);

/** The legal pages the footer and the registration consents link to: the current version of each document. */
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
    return {
      title: document.title,
      document,
      publishedOn: document.publishedAt ? frenchDate(document.publishedAt) : undefined,
    };
  }
}
