import { join } from 'node:path';
import nunjucks from 'nunjucks';
import { DEFAULT_LOCALE, withLocale, type Locale } from '../../platform/i18n/i18n';
import { addI18nGlobals, projectRoot } from '../../platform/views/views';
import { modeChangeNote, modeParagraph, type IssuedAccessCodes } from './access-codes.service';

let environment: nunjucks.Environment | undefined;

/**
 * The printable letter of « remise de codes d'accès » (the seed's « courrier »): the codes and the paragraph telling
 * the mode, as one self-contained HTML page (print styles inside, no outside resource), written to a file by
 * `access-codes:issue --letter`. Rendered when the codes are issued: the password exists in clear only then. In French
 * unless `locale` says otherwise (`--langue en`).
 */
export function renderAccessCodesLetter(
  issued: IssuedAccessCodes,
  publicUrl: string,
  issuedOn: Date,
  locale: Locale = DEFAULT_LOCALE,
): string {
  if (!environment) {
    environment = new nunjucks.Environment(new nunjucks.FileSystemLoader(join(projectRoot(), 'src')), {
      autoescape: true,
      throwOnUndefined: true,
    });
    addI18nGlobals(environment);
  }
  const env = environment;
  return withLocale(locale, () =>
    env.render('modules/subscriptions/views/access-codes-letter.njk', {
      subscriber: issued.subscription.subscriber,
      products: issued.subscription.products.map((p) => p.name),
      login: issued.login,
      password: issued.password,
      mode: modeParagraph(issued.subscription.accountMode, locale),
      modeChangeNote: modeChangeNote(locale),
      signInUrl: `${publicUrl}/compte`,
      issuedOn: new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
        dateStyle: 'long',
        timeZone: 'Europe/Paris',
      }).format(issuedOn),
    }),
  );
}
