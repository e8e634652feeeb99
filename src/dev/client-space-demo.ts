import type { INestApplicationContext } from '@nestjs/common';
import { FirmsService, ItemsService } from '../modules/client-space';
import { IdentityError, IdentityErrorCode, IdentityService } from '../modules/identity';

export const DEMO_FIRM_NAME = 'Cabinet Delmas (démonstration)';
export const DEMO_CLIENT = {
  email: 'client@exemple.fr',
  identifier: 'client-demo',
  password: 'Demo-mot-de-passe-1',
  givenName: 'Luce',
  familyName: 'Alexander',
};

/** A one-page PDF, for the demo's documents. */
const pdf = (text: string) =>
  Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n` +
      `3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n` +
      `4 0 obj<</Length ${text.length + 30}>>stream\nBT /F1 18 Tf 72 760 Td (${text}) Tj ET\nendstream endobj\n` +
      `5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
  );

/**
 * The client space's demo data (issue 17): a firm whose associate is the demo account (`/espace-cabinet`), a client
 * with her own account (`/espace-client`) and a dossier with shared items of each kind, and one not shared. Once only.
 */
export async function seedClientSpace(app: INestApplicationContext, staffEmail: string): Promise<void> {
  const firms = app.get(FirmsService);
  if ((await firms.listFirms()).some((f) => f.name === DEMO_FIRM_NAME)) return;
  await app
    .get(IdentityService)
    .createActiveAccount(DEMO_CLIENT)
    .catch((error: unknown) => {
      if (!(error instanceof IdentityError && (error.code as IdentityErrorCode) === IdentityErrorCode.EMAIL_TAKEN))
        throw error;
    });
  const firm = await firms.addFirm({ name: DEMO_FIRM_NAME, onlinePayment: true, primaryColor: '#7a1f3d' });
  const staff = await firms.addStaff(firm.id, staffEmail, 'associe');
  const client = await firms.inviteClient(firm.id, {
    kind: 'personne',
    contact: {
      familyName: 'ALEXANDER',
      givenName: 'Luce',
      email: DEMO_CLIENT.email,
      address: 'Impasse Adam 1er',
      postalCode: '34470',
      city: 'PEROLS',
      phone: '04 67 15 98 42',
      mobile: '06 15 25 65 25',
    },
  });
  const items = app.get(ItemsService);
  for (const [number, label] of [
    ['2017IIDOS/1529', 'ALEXANDER / AGENCE IMMO'],
    ['2019IIDOS/0412', 'ALEXANDER / JPA'],
  ]) {
    const dossier = await firms.createDossier(firm.id, {
      number,
      label,
      interlocutorId: staff.id,
      clientIds: [client.id],
    });
    if (number !== '2017IIDOS/1529') continue;
    const add = (input: Parameters<ItemsService['create']>[2]) => items.create(firm.id, dossier.id, input);
    await add({
      kind: 'document',
      title: 'Lettre au client AR dossier Appelant (CA 09-17)',
      date: '2024-01-08',
      file: { name: 'lettre-au-client.pdf', data: pdf('Lettre au client') },
      share: true,
    });
    await add({
      kind: 'document',
      title: 'Lettre',
      date: '2022-10-19',
      file: { name: 'lettre.pdf', data: pdf('Lettre') },
      share: true,
    });
    await add({
      kind: 'document',
      title: 'Projet de conclusions (non partagé)',
      date: '2024-02-01',
      file: { name: 'projet.pdf', data: pdf('Projet') },
    });
    await add({
      kind: 'facture',
      title: 'Facture avec détail',
      date: '2021-12-10',
      invoiceNumber: 'F-2021-118',
      amount: '1 250,50',
      file: { name: 'facture.pdf', data: pdf('Facture F-2021-118') },
      share: true,
    });
    await add({
      kind: 'rdv',
      title: 'Rendez-vous de préparation',
      date: '2024-03-12',
      time: '14:30',
      place: 'Au cabinet',
      share: true,
    });
    await add({ kind: 'tache', title: 'Rassembler les justificatifs', date: '2024-03-01', share: true });
    await add({ kind: 'temps', title: 'Rédaction des conclusions', date: '2024-01-15', minutes: '90', share: true });
    await add({ kind: 'frais', title: 'Frais de greffe', date: '2024-01-20', amount: '45,00', share: true });
  }
}
