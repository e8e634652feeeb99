import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

export interface PhoneNumber {
  /** E.164, the only form stored and sent: `+33612345678`. */
  e164: string;
  /** As a person reads it in its country: `06 12 34 56 78`. */
  national: string;
  /** Whether it can receive text messages (mobile, or a number whose type the metadata cannot tell). */
  mobile: boolean;
}

/**
 * Validates and normalises a phone number typed by a person (`06 12 34 56 78`, `+33 6 12…`, `0033…`), France by
 * default. Returns `undefined` when it is not a valid number for that country (libphonenumber-js, full metadata).
 */
export function parsePhoneNumber(input: string, defaultCountry: CountryCode = 'FR'): PhoneNumber | undefined {
  const trimmed = input.trim().replace(/^00/, '+');
  if (!trimmed || trimmed.length > 40) return undefined;
  const parsed = parsePhoneNumberFromString(trimmed, defaultCountry);
  if (!parsed?.isValid()) return undefined;
  const type = parsed.getType();
  return {
    e164: parsed.number,
    national: parsed.formatNational(),
    mobile: type === undefined || type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE',
  };
}
