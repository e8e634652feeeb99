export { LegalModule } from './legal.module';
export { LegalDocumentsService, legalTitle, type LegalDocumentView } from './legal-documents.service';
export { LEGAL_DOCUMENT_KINDS, type LegalDocumentKind } from './entities/legal-document.entity';
export { currentLegalVersions, DEFAULT_LEGAL_VERSION } from '../../platform/legal/versions';
