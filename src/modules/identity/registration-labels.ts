import { t } from '../../platform/i18n/i18n';
import type { IdentityDocumentKind } from './entities/identity-document.entity';
import { DOCUMENT_KINDS } from './identity-documents';
import { OCCUPATIONS } from './legal';

/**
 * The choices of the registration forms, shown in the page's language: the value sent and stored stays the French one
 * (`OCCUPATIONS`, `DOCUMENT_KINDS`' keys), the label is `registration:occupations.<value>` / `documentKinds.<value>`.
 */
export function occupationOptions(): Array<{ value: string; label: string }> {
  return OCCUPATIONS.map((value) => ({ value, label: t(`registration:occupations.${value}`) }));
}

export function documentKindOptions(): Record<IdentityDocumentKind, string> {
  const options = {} as Record<IdentityDocumentKind, string>;
  for (const kind of Object.keys(DOCUMENT_KINDS) as IdentityDocumentKind[])
    options[kind] = t(`registration:documentKinds.${kind}`);
  return options;
}
