import luhn from 'fast-luhn';

/** Spaces, dots and dashes that people type inside numbers (« 732 829 320 », « 732.829.320 »). */
const separators = /[\s.-]/g;

/** SIREN: 9 digits with a Luhn check digit (INSEE). Returns the digits, or `undefined`. */
export function parseSiren(input: string): string | undefined {
  const digits = input.replace(separators, '');
  return /^\d{9}$/.test(digits) && luhn(digits) ? digits : undefined;
}

/**
 * SIRET: 14 digits (SIREN + establishment number) with a Luhn check digit; La Poste's establishments (SIREN
 * 356 000 000) are checked by the sum of their digits being a multiple of 5 instead (INSEE's exception).
 */
export function parseSiret(input: string): string | undefined {
  const digits = input.replace(separators, '');
  if (!/^\d{14}$/.test(digits)) return undefined;
  if (digits.startsWith('356000000')) {
    const sum = [...digits].reduce((total, digit) => total + Number(digit), 0);
    return sum % 5 === 0 ? digits : undefined;
  }
  return luhn(digits) && parseSiren(digits.slice(0, 9)) ? digits : undefined;
}

/** RNA (répertoire national des associations): « W » and 9 digits. */
export function parseRna(input: string): string | undefined {
  const value = input.replace(separators, '').toUpperCase();
  return /^W\d{9}$/.test(value) ? value : undefined;
}
