/**
 * The name of a birthplace FranceConnect gives as an INSEE commune code (COG), from the Etalab package of the
 * administrative divisions (communes, delegated and associated communes, municipal arrondissements), loaded on first
 * use. A code it does not know (a commune merged long ago, say) is shown as the code.
 */
import { t } from '../../platform/i18n/i18n';

type Commune = { code: string; nom: string; type: string; departement?: string };

let names: Map<string, string> | undefined;

function load(): Map<string, string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const communes = require('@etalab/decoupage-administratif/data/communes.json') as Commune[];
  const map = new Map<string, string>();
  // A delegated commune may share its code with the current one: the current one's name wins.
  for (const c of communes) {
    if (!map.has(c.code) || c.type === 'commune-actuelle')
      map.set(c.code, c.departement ? `${c.nom} (${c.departement})` : c.nom);
  }
  return map;
}

/**
 * « Paris 7e Arrondissement (75) » for 75107; « commune INSEE 99999 » (« INSEE commune 99999 ») for a code the list
 * does not know.
 */
export function birthplaceName(code: string | null | undefined): string | undefined {
  if (!code) return undefined;
  names ??= load();
  return names.get(code) ?? t('franceconnect:unknownCommune', { code });
}
