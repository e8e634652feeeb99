import { t } from '../../../platform/i18n/i18n';
import type { CodeCheck } from '../account-secrets';

/** What the code pages say after a code that did not open: tries left, or what to do once it no longer can. */
export function codeFailureMessage(result: Exclude<CodeCheck, { status: 'valid' }>, whatNext: string): string {
  return result.status === 'wrong'
    ? t('registration:code.wrong', { count: result.triesLeft })
    : t('registration:code.spentThen', { whatNext });
}

/** The code page's context after a code that did not open: `spent` once nothing is left to try. */
export function codeFailure(
  result: Exclude<CodeCheck, { status: 'valid' }>,
  whatNext: string,
): { error: string; spent: boolean } {
  const spent = result.status === 'expired' || result.triesLeft <= 0;
  return {
    error: spent ? t('registration:code.spent') : codeFailureMessage(result, whatNext),
    spent,
  };
}
