import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderMail, renderSms } from './templates';

describe('The test e-mail and test SMS (mail:test, sms:test)', () => {
  it('keeps the French text by default', () => {
    const mail = renderMail('test-email', { sentAt: '23/11/2026 21:00:00' }, 'https://exemple.fr');
    assert.equal(mail.subject, 'Message d’essai de la Plateforme d’identité');
    assert.match(
      mail.text,
      /^Bonjour,\n\nCe message d’essai a été demandé le 23\/11\/2026 21:00:00 depuis la ligne de commande de la plateforme \(mail:test\)\.\nS’il vous parvient, l’envoi des e-mails fonctionne\.\n\nPlateforme d’identité : https:\/\/exemple\.fr\/$/,
    );
    assert.match(mail.html, /la plateforme \(<code>mail:test<\/code>\)\.<\/p>/);
    assert.equal(
      renderSms('test-sms', { sentAt: '23/11/2026 21:00:00' }, 'https://exemple.fr'),
      'Plateforme d’identité : SMS d’essai demandé le 23/11/2026 21:00:00 (sms:test). S’il vous parvient, l’envoi des SMS fonctionne.',
    );
  });

  it('renders them in English for a message kept with locale en', () => {
    const data = { sentAt: '23/11/2026, 21:00:00', locale: 'en' } as { sentAt: string };
    const mail = renderMail('test-email', data, 'https://exemple.fr');
    assert.equal(mail.subject, 'Test message from the Identity platform');
    assert.match(
      mail.text,
      /^Hello,\n\nThis test message was asked for on 23\/11\/2026, 21:00:00 from the platform’s command line \(mail:test\)\./,
    );
    assert.match(mail.html, /<html lang="en">/);
    assert.doesNotMatch(mail.text, /Bonjour|essai/);
    assert.equal(
      renderSms('test-sms', data, 'https://exemple.fr'),
      'Identity platform: test SMS asked for on 23/11/2026, 21:00:00 (sms:test). If it reaches you, sending text messages works.',
    );
  });
});
