import assert from 'node:assert/strict';
import type { HttpBrowser } from './http-browser';

type Page = { url: string; status: number; body: string; location?: string };
type File = { name: string; type: string; data: Buffer };

/** The fields of the company registration (seed 004), by step; tests override what they need. */
export function companyFields(email: string, overrides: Record<string, string> = {}) {
  const all: Record<string, string> = {
    organisationName: 'Martin SARL',
    organisationNumber: '732 829 320 00074',
    contractNumber: '',
    civility: 'monsieur',
    familyName: 'Martin',
    givenName: 'Paul',
    birthDate: '1980-02-03',
    mobilePhone: '',
    email,
    occupation: 'Chef d’entreprise',
    identityDocumentKind: 'carte-identite',
    identifier: '',
    password: 'Chaussette-Volante-7',
    passwordConfirmation: 'Chaussette-Volante-7',
    acceptTerms: 'oui',
    acceptPrivacy: 'oui',
    ...overrides,
  };
  const pick = (...names: string[]) => Object.fromEntries(names.map((n) => [n, all[n] ?? '']));
  return {
    1: pick('organisationName', 'organisationNumber', 'contractNumber'),
    2: pick('civility', 'familyName', 'usageName', 'givenName', 'birthDate', 'mobilePhone'),
    3: pick(
      'email',
      'landlinePhone',
      'addressLine',
      'addressComplement',
      'postalCode',
      'city',
      'occupation',
      'jobTitle',
    ),
    4: pick('identityDocumentKind', 'identifier', 'password', 'passwordConfirmation', 'acceptTerms', 'acceptPrivacy'),
  } as const;
}

/** Steps 1 to 3, each checked to lead to the next; returns the page of step 4. */
export async function companyStepsOneToThree(
  browser: HttpBrowser,
  base: string,
  fields: ReturnType<typeof companyFields>,
): Promise<Page> {
  let page = await browser.get(`${base}/inscription/entreprise`);
  assert.match(page.url, /\/inscription\/entreprise\/etape\/1$/);
  for (const step of [1, 2, 3] as const) {
    page = await browser.submit(page, new RegExp(`/etape/${step}$`), { ...fields[step], action: 'suivant' });
    assert.match(page.url, new RegExp(`/etape/${step + 1}$`), page.body.slice(0, 3000));
  }
  return page;
}

/** The whole registration; returns the last page (step 5 when everything was right). */
export async function registerCompany(
  browser: HttpBrowser,
  base: string,
  fields: ReturnType<typeof companyFields>,
  file?: File,
): Promise<Page> {
  const page = await companyStepsOneToThree(browser, base, fields);
  return browser.submit(
    page,
    /\/etape\/4$/,
    { ...fields[4], action: 'suivant' },
    undefined,
    file ? { identityDocument: file } : undefined,
  );
}
