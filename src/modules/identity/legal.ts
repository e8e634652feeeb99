import { currentLegalVersions } from '../../platform/legal/versions';

/**
 * Versions of the texts a person accepts at registration: the current ones, published by an operator from the
 * console (the legal module keeps this object up to date). A new one makes the next sign-in ask for acceptance again
 * (recorded with its version and time on the account).
 */
export const LEGAL_VERSIONS: { readonly terms: string; readonly privacy: string } = currentLegalVersions;

/** Métiers offered to professional profiles (Entreprise, Association). */
export const OCCUPATIONS = [
  'Avocat',
  'Expert-comptable',
  'Notaire',
  'Commissaire de justice',
  'Chef d’entreprise',
  'Dirigeant d’association',
  'Salarié',
  'Profession libérale',
  'Agent public',
  'Autre',
] as const;
