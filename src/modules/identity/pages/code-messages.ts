import type { CodeCheck } from '../account-secrets';

/** What the code pages say after a code that did not open: tries left, or what to do once it no longer can. */
export function codeFailureMessage(result: Exclude<CodeCheck, { status: 'valid' }>, whatNext: string): string {
  return result.status === 'wrong'
    ? `Code incorrect. Il vous reste ${result.triesLeft} essai${result.triesLeft > 1 ? 's' : ''}.`
    : `Ce code n’est plus valable (trop d’essais ou délai dépassé). ${whatNext}`;
}

/** The code page's context after a code that did not open: `spent` once nothing is left to try. */
export function codeFailure(
  result: Exclude<CodeCheck, { status: 'valid' }>,
  whatNext: string,
): { error: string; spent: boolean } {
  const spent = result.status === 'expired' || result.triesLeft <= 0;
  return {
    error: spent
      ? 'Ce code n’est plus valable (trop d’essais ou délai dépassé).'
      : codeFailureMessage(result, whatNext),
    spent,
  };
}
