/**
 * Versions of the texts a person accepts at registration. Raising one makes the next sign-in ask for acceptance again
 * (recorded with its version and time on the account).
 */
export const LEGAL_VERSIONS = { terms: '2026-11', privacy: '2026-11' } as const;

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
