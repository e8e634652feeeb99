import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MenuRegistry } from '../../platform/views/menus';
import { AdminModule } from '../admin';
import { LegalDocument } from './entities/legal-document.entity';
import { LegalDocumentsService } from './legal-documents.service';
import { LegalConsoleController } from './pages/legal-console.controller';
import { LegalPagesController } from './pages/legal-pages.controller';

/** The legal pages (CGU, personal data, legal notice, accessibility), versioned, published from the console. */
@Module({
  imports: [TypeOrmModule.forFeature([LegalDocument]), AdminModule],
  controllers: [LegalPagesController, LegalConsoleController],
  providers: [LegalDocumentsService],
  exports: [LegalDocumentsService],
})
export class LegalModule {
  constructor(menus: MenuRegistry) {
    menus.add('console', {
      key: 'legal',
      href: '/admin/textes-legaux',
      label: 'Textes légaux',
      labelKey: 'legal:console.title',
      order: 80,
    });
  }
}
