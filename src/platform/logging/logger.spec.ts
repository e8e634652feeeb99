import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { QueryFailedError } from 'typeorm';
import { createLogger } from './logger';

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

describe('createLogger', () => {
  describe('errors', () => {
    it('logs a failed query without its values nor the database’s detail, but with its SQL and code', () => {
      const { stream, text } = capture();
      const logger = createLogger({ env: 'test', logLevel: 'info' }, stream);
      const driverError = Object.assign(new Error('duplicate key value violates unique constraint "account_email"'), {
        code: '23505',
        detail: 'Key (email)=(alice@exemple.fr) already exists.',
      });
      const error = new QueryFailedError(
        'INSERT INTO "account"("email", "phone", "password_hash") VALUES ($1, $2, $3)',
        ['alice@exemple.fr', '+33612345678', '$argon2id$v=19$m=19456,t=2,p=1$c2VsdA$aGFzaA'],
        driverError,
      );
      logger.error({ err: error }, 'Erreur inattendue');
      logger.error({ err: new Error('enveloppe', { cause: error }) }, 'Erreur enchaînée');
      const output = text();
      assert.doesNotMatch(output, /alice@exemple\.fr|\+33612345678|argon2id/);
      assert.match(output, /INSERT INTO \\"account\\"/);
      assert.match(output, /"code":"23505"/);
      assert.match(output, /"parameters":"\[masqué\]"/);
    });

    it('keeps the message and stack of an ordinary error', () => {
      const { stream, text } = capture();
      createLogger({ env: 'test', logLevel: 'info' }, stream).error({ err: new Error('panne') }, 'x');
      assert.match(text(), /"message":"panne"/);
      assert.match(text(), /"stack":"Error: panne/);
    });
  });
});
