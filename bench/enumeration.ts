/**
 * Whether answer times tell an existing account from a missing one: reset requests, identifier reminders and
 * registrations, sent
 * alternately for accounts that exist and for ones that do not. Prints medians; asserts nothing (see bench/run.ts).
 */
import { HttpBrowser } from '../test/support/http-browser';

export interface EnumerationFigures {
  samples: number;
  resetExistingMedianMs: number;
  resetMissingMedianMs: number;
  reminderExistingMedianMs: number;
  reminderMissingMedianMs: number;
  registrationExistingMedianMs: number;
  registrationNewMedianMs: number;
}

const citizen = (email: string) => ({
  civility: 'madame',
  familyName: 'Sonde',
  givenName: 'Camille',
  birthDate: '1985-04-12',
  email,
  identifier: '',
  password: 'Chaussette-Volante-7',
  passwordConfirmation: 'Chaussette-Volante-7',
  acceptTerms: 'oui',
  acceptPrivacy: 'oui',
  activationChannel: 'email',
});

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Each probe comes from its own address (`X-Forwarded-For`, trusted from loopback by the bench's platform): the
 * recovery throttle allows 10 requests per address per quarter hour, and the bench must not measure its refusals.
 */
async function timed(base: string, path: string, fields: Record<string, string>, from: string): Promise<number> {
  const browser = new HttpBrowser();
  browser.headers['x-forwarded-for'] = from;
  const form = await browser.get(`${base}${path}`);
  const started = performance.now();
  const answer = await browser.submit(form, new RegExp(`${path}$`), fields, base);
  const elapsed = performance.now() - started;
  if (answer.status !== 200) throw new Error(`${path} : ${answer.status}`);
  return elapsed;
}

/** `identifiers`: existing accounts (`<identifier>@example.fr`), each asked once per kind (under the hourly limit). */
export async function benchEnumeration(base: string, identifiers: string[]): Promise<EnumerationFigures> {
  const reset = { existing: [] as number[], missing: [] as number[] };
  const reminder = { existing: [] as number[], missing: [] as number[] };
  const registration = { existing: [] as number[], missing: [] as number[] };
  for (const [i, identifier] of identifiers.entries()) {
    const from = `198.51.100.${i + 1}`;
    reset.existing.push(await timed(base, '/mot-de-passe-oublie', { login: identifier, channel: 'email' }, from));
    reset.missing.push(await timed(base, '/mot-de-passe-oublie', { login: `absent${i}`, channel: 'email' }, from));
    reminder.existing.push(await timed(base, '/identifiant-oublie', { email: `${identifier}@example.fr` }, from));
    reminder.missing.push(await timed(base, '/identifiant-oublie', { email: `absent${i}@example.fr` }, from));
    registration.existing.push(await timed(base, '/inscription/citoyen', citizen(`${identifier}@example.fr`), from));
    registration.missing.push(await timed(base, '/inscription/citoyen', citizen(`nouveau${i}@example.fr`), from));
  }
  return {
    samples: identifiers.length,
    resetExistingMedianMs: Math.round(median(reset.existing) * 10) / 10,
    resetMissingMedianMs: Math.round(median(reset.missing) * 10) / 10,
    reminderExistingMedianMs: Math.round(median(reminder.existing) * 10) / 10,
    reminderMissingMedianMs: Math.round(median(reminder.missing) * 10) / 10,
    registrationExistingMedianMs: Math.round(median(registration.existing) * 10) / 10,
    registrationNewMedianMs: Math.round(median(registration.missing) * 10) / 10,
  };
}
