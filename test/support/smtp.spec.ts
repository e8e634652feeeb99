import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import { startSmtpServer, type TestSmtpServer } from './smtp';

describe('startSmtpServer (test helper)', () => {
  let smtp: TestSmtpServer;
  before(async () => {
    smtp = await startSmtpServer({ rejectRecipient: (address) => address.endsWith('@refuse.example') });
  });
  after(async () => smtp.stop());

  it('receives a real SMTP delivery and parses it', async () => {
    const transport = nodemailer.createTransport({ url: smtp.url } as never);
    const waiting = smtp.waitFor((m) => m.subject === 'Activez votre compte');
    await transport.sendMail({
      from: 'Plateforme <ne-pas-repondre@example.fr>',
      to: 'marie@example.fr',
      subject: 'Activez votre compte',
      text: 'Bonjour Marie,\nCliquez sur le lien pour activer votre compte.',
      html: '<p>Bonjour Marie,</p>',
    });
    const message = await waiting;
    assert.deepEqual(message.from?.value, [{ name: 'Plateforme', address: 'ne-pas-repondre@example.fr' }]);
    assert.match(message.text ?? '', /Bonjour Marie/);
    assert.equal(message.html, '<p>Bonjour Marie,</p>');
  });

  it('refuses the recipients it is told to, with a permanent error', async () => {
    const transport = nodemailer.createTransport({ url: smtp.url } as never);
    await assert.rejects(
      transport.sendMail({ from: 'a@example.fr', to: 'x@refuse.example', subject: 's', text: 't' }),
      (error: { responseCode?: number }) => error.responseCode === 550,
    );
  });
});
