import { Command } from 'commander';
import type { CliRuntime } from '../../../platform/cli/cli-context';
import { CliError } from '../../../platform/cli/cli-error';
import { DomainError } from '../../../platform/errors';
import { isLocale } from '../../../platform/i18n/i18n';
import type { AccountMode } from '../entities/subscription.entity';
import type { ProductSection } from '../entities/product.entity';
import { renderAccessCodesLetter } from '../access-codes-letter';
import { AccessCodesService } from '../access-codes.service';
import { MODE_LABELS, SubscriptionsService } from '../subscriptions.service';
import { SubscriptionTermsService } from '../subscription-terms.service';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The mode as operators type it: the French words of the seed, or the code's names. */
const MODES: Record<string, AccountMode> = {
  'auto-declaration': 'self-declaration',
  'gestion-administrateur': 'administrator-managed',
  'sans-compte': 'no-personal-account',
  'self-declaration': 'self-declaration',
  'administrator-managed': 'administrator-managed',
  'no-personal-account': 'no-personal-account',
};

function parseMode(value: string): AccountMode {
  const mode = MODES[value.trim().toLowerCase()];
  if (!mode)
    throw new CliError(
      `Erreur : mode « ${value} » inconnu ; attendu auto-declaration, gestion-administrateur ou sans-compte.`,
    );
  return mode;
}

/** `code=Nom` → a section. */
function parseSection(value: string): ProductSection {
  const at = value.indexOf('=');
  if (at <= 0 || at === value.length - 1)
    throw new CliError(`Erreur : rubrique « ${value} » invalide ; attendu code=Nom (civil=Civil).`);
  return { code: value.slice(0, at).trim(), name: value.slice(at + 1).trim() };
}

/** `produit` or `produit:rubrique1,rubrique2` → a product of a subscription. */
function parseProduct(value: string): { code: string; sections: string[] } {
  const [code, sections = ''] = value.split(':', 2);
  return {
    code: code.trim(),
    sections: sections
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  };
}

function parseSeats(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new CliError(`Erreur : --seats attend un nombre entier (reçu « ${value} »).`);
  return Number(value);
}

/** `Nom, /logo.svg, #7a1f5c`, or `-` when the product has no brand (the platform's is shown). */
function describeBrand(brand: { name: string | null; logoUrl: string | null; primaryColor: string | null }): string {
  return [brand.name, brand.logoUrl, brand.primaryColor].filter(Boolean).join(', ') || '-';
}

/** Runs a use case; a domain refusal becomes a one-line French error. */
async function domain<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError) throw new CliError(`Erreur : ${error.message}`);
    throw error;
  }
}

/**
 * `products:add`, `products:list`, `subscriptions:add`, `subscriptions:list`, `subscriptions:set-mode`,
 * `access-codes:issue`, `subscriptions:update`.
 */
export function subscriptionsCommands({ withApplication, config }: CliRuntime): Command[] {
  const addProduct = new Command('products:add')
    .description('enregistre un produit (site abonné aux services de la plateforme)')
    .requiredOption('--code <code>', 'code du produit (minuscules, chiffres, tirets)')
    .requiredOption('--name <nom>', 'nom affiché du produit')
    .requiredOption('--url <adresse>', 'adresse du produit, ouverte depuis « Mes abonnements »')
    .option('--section <code=Nom>', 'rubrique du produit (répétable)', collect, [])
    .option('--client <client-id>', 'client OpenID Connect du produit (répétable)', collect, [])
    .option('--open', 'accès sans abonnement (par défaut, un abonnement actif est exigé)')
    .option('--brand-name <nom>', 'nom affiché en tête des pages de connexion de ses sites')
    .option('--brand-logo <adresse>', 'logo de la marque (https://… ou chemin de ce site /…)')
    .option('--brand-color <#rrggbb>', 'couleur de la marque (contraste d’au moins 4,5:1 avec le blanc)')
    .action(
      async (options: {
        code: string;
        name: string;
        url: string;
        section: string[];
        client: string[];
        open?: boolean;
        brandName?: string;
        brandLogo?: string;
        brandColor?: string;
      }) => {
        const sections = options.section.map(parseSection);
        const product = await withApplication((context) =>
          domain(() =>
            context.get(SubscriptionsService).addProduct({
              code: options.code,
              name: options.name,
              url: options.url,
              sections,
              clientIds: options.client,
              subscriptionRequired: !options.open,
              brand: { name: options.brandName, logoUrl: options.brandLogo, primaryColor: options.brandColor },
            }),
          ),
        );
        console.log(`Produit enregistré : ${product.code} (${product.name})`);
      },
    );

  const setProductBrand = new Command('products:set-brand')
    .description('donne à un produit sa marque sur les pages de connexion de ses sites (une option vide la retire)')
    .requiredOption('--code <code>', 'code du produit')
    .option('--name <nom>', 'nom affiché en tête des pages de connexion')
    .option('--logo <adresse>', 'logo (https://… ou chemin de ce site /…)')
    .option('--color <#rrggbb>', 'couleur (contraste d’au moins 4,5:1 avec le blanc, WCAG 2.1 AA)')
    .action(async (options: { code: string; name?: string; logo?: string; color?: string }) => {
      const product = await withApplication((context) =>
        domain(() =>
          context
            .get(SubscriptionsService)
            .setProductBrand(options.code, { name: options.name, logoUrl: options.logo, primaryColor: options.color }),
        ),
      );
      console.log(`Marque du produit ${product.code} : ${describeBrand(product.brand)}`);
    });

  const listProducts = new Command('products:list').description('liste les produits').action(async () => {
    const products = await withApplication((context) => context.get(SubscriptionsService).listProducts());
    if (products.length === 0) console.log('Aucun produit.');
    for (const p of products) {
      const sections = p.sections.map((s) => s.code).join(',') || '-';
      const clients = p.clientIds.join(',') || '-';
      const access = p.subscriptionRequired ? 'abonnement exigé' : 'accès libre';
      console.log(
        `${p.code}  ${p.name}  ${p.url}  rubriques: ${sections}  clients: ${clients}  ${access}  marque: ${describeBrand(p.brand)}`,
      );
    }
  });

  const addSubscription = new Command('subscriptions:add')
    .description('enregistre un abonnement')
    .requiredOption('--subscriber <nom>', 'abonné (organisation ou personne)')
    .requiredOption(
      '--product <code[:rubriques]>',
      'produit, et ses rubriques séparées par des virgules (répétable)',
      collect,
      [],
    )
    .requiredOption('--seats <nombre>', 'nombre de places (comptes membres)')
    .requiredOption('--start <AAAA-MM-JJ>', 'premier jour')
    .requiredOption('--end <AAAA-MM-JJ>', 'dernier jour')
    .requiredOption('--mode <mode>', 'auto-declaration, gestion-administrateur ou sans-compte')
    .action(
      async (options: {
        subscriber: string;
        product: string[];
        seats: string;
        start: string;
        end: string;
        mode: string;
      }) => {
        const input = {
          subscriber: options.subscriber,
          products: options.product.map(parseProduct),
          seats: parseSeats(options.seats),
          startsOn: options.start,
          endsOn: options.end,
          accountMode: parseMode(options.mode),
        };
        const subscription = await withApplication((context) =>
          domain(() => context.get(SubscriptionsService).addSubscription(input)),
        );
        console.log(`Abonnement enregistré : ${subscription.id} (${subscription.subscriber})`);
      },
    );

  const listSubscriptions = new Command('subscriptions:list').description('liste les abonnements').action(async () => {
    const subscriptions = await withApplication((context) => context.get(SubscriptionsService).listSubscriptions());
    if (subscriptions.length === 0) console.log('Aucun abonnement.');
    for (const s of subscriptions) {
      const products = s.products.map((p) => (p.sections.length ? `${p.code}:${p.sections.join(',')}` : p.code));
      console.log(
        `${s.id}  ${s.subscriber}  ${products.join(' ')}  places: ${s.seatsUsed}/${s.seats}  du ${s.startsOn} au ${s.endsOn}  mode: ${MODE_LABELS[s.accountMode]}`,
      );
    }
  });

  const setMode = new Command('subscriptions:set-mode')
    .description('change le mode de gestion de compte personnel (montre les conséquences ; --confirm applique)')
    .argument('<abonnement>', 'identifiant de l’abonnement')
    .argument('<mode>', 'auto-declaration, gestion-administrateur ou sans-compte')
    .option('--confirm', 'applique le changement après en avoir lu les conséquences')
    .action(async (id: string, mode: string, options: { confirm?: boolean }) => {
      const to = parseMode(mode);
      const change = await withApplication((context) =>
        domain(() => context.get(SubscriptionsService).setMode(id, to, { confirm: options.confirm === true })),
      );
      for (const line of change.consequences) console.log(line);
      if (change.applied) console.log(`Mode changé : « ${MODE_LABELS[change.to]} ».`);
      else if (change.from !== change.to) console.log('Rien n’est changé : relancez avec --confirm pour appliquer.');
    });

  const issueAccessCodes = new Command('access-codes:issue')
    .description(
      'émet (ou renouvelle) les codes d’accès d’un abonnement ; les anciens cessent de fonctionner. Le mot de passe n’est affiché qu’une fois',
    )
    .argument('<abonnement>', 'identifiant de l’abonnement')
    .option('--email <adresse>', 'envoie l’e-mail de remise des codes d’accès à cette adresse')
    .option(
      '--letter',
      'écrit sur la sortie le courrier imprimable (HTML) au lieu du résumé : … --letter > courrier.html',
    )
    .option('--langue <fr|en>', 'langue du courrier imprimable (français par défaut)')
    .action(async (id: string, options: { email?: string; letter?: boolean; langue?: string }) => {
      const letterLocale = options.langue ?? 'fr';
      if (!isLocale(letterLocale)) throw new CliError(`Erreur : langue « ${letterLocale} » inconnue (fr ou en).`);
      const issued = await withApplication((context) =>
        domain(() => context.get(AccessCodesService).issue(id, { email: options.email })),
      );
      if (options.letter) {
        console.log(renderAccessCodesLetter(issued, config().publicUrl, new Date(), letterLocale));
        return;
      }
      console.log(
        `Codes d’accès émis pour l’abonnement ${issued.subscription.id} (${issued.subscription.subscriber}) :`,
      );
      console.log(`  identifiant : ${issued.login}`);
      console.log(`  mot de passe : ${issued.password}`);
      console.log(`  ${issued.modeParagraph.title}`);
      if (issued.emailedTo) console.log(`E-mail de remise des codes envoyé à ${issued.emailedTo}.`);
    });

  const updateSubscription = new Command('subscriptions:update')
    .description('change les places ou les dates d’un abonnement (jamais moins de places que de membres)')
    .argument('<abonnement>', 'identifiant de l’abonnement')
    .option('--seats <nombre>', 'nombre de places')
    .option('--start <AAAA-MM-JJ>', 'premier jour')
    .option('--end <AAAA-MM-JJ>', 'dernier jour')
    .action(async (id: string, options: { seats?: string; start?: string; end?: string }) => {
      const change = {
        seats: options.seats === undefined ? undefined : parseSeats(options.seats),
        startsOn: options.start,
        endsOn: options.end,
      };
      const s = await withApplication((context) =>
        domain(() => context.get(SubscriptionTermsService).change(id, change, { type: 'operator' })),
      );
      console.log(
        `Abonnement changé : ${s.id} (${s.subscriber})  places: ${s.seatsUsed}/${s.seats}  du ${s.startsOn} au ${s.endsOn}`,
      );
    });

  return [
    addProduct,
    setProductBrand,
    listProducts,
    addSubscription,
    listSubscriptions,
    setMode,
    issueAccessCodes,
    updateSubscription,
  ];
}
