import { join } from 'node:path';
import nunjucks from 'nunjucks';
import { projectRoot } from '../../platform/views/views';
import { MODE_CHANGE_NOTE, type IssuedAccessCodes } from './access-codes.service';

let environment: nunjucks.Environment | undefined;

/**
 * The printable letter of « remise de codes d'accès » (the seed's « courrier »): the codes and the paragraph telling
 * the mode, as one self-contained HTML page (print styles inside, no outside resource), written to a file by
 * `access-codes:issue --letter`. Rendered when the codes are issued: the password exists in clear only then.
 */
export function renderAccessCodesLetter(issued: IssuedAccessCodes, publicUrl: string, issuedOn: Date): string {
  environment ??= new nunjucks.Environment(new nunjucks.FileSystemLoader(join(projectRoot(), 'src')), {
    autoescape: true,
    throwOnUndefined: true,
  });
  return environment.render('modules/subscriptions/views/access-codes-letter.njk', {
    subscriber: issued.subscription.subscriber,
    products: issued.subscription.products.map((p) => p.name),
    login: issued.login,
    password: issued.password,
    mode: issued.modeParagraph,
    modeChangeNote: MODE_CHANGE_NOTE,
    signInUrl: `${publicUrl}/compte`,
    issuedOn: new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' }).format(issuedOn),
  });
}
