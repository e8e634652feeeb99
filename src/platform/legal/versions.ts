/**
 * The seam between the legal module and identity: the current version of the CGU and of the personal-data notice, which registration, invitation and sign-in ask
 * accounts to accept. Read synchronously by identity (`LEGAL_VERSIONS`); kept up to date by `LegalDocumentsService`
 * from the `legal_document` table (at start, after each publication, and every minute for the other instances).
 */
export const DEFAULT_LEGAL_VERSION = '2026-11';

export const currentLegalVersions: { terms: string; privacy: string } = {
  terms: DEFAULT_LEGAL_VERSION,
  privacy: DEFAULT_LEGAL_VERSION,
};
