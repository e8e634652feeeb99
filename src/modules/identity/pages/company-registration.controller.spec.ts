import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Request, Response } from 'express';
import type { AppConfig } from '../../../config';
import type { CompanyRegistration } from '../company-registration';
import type { IdentifierSuggestions } from '../identifier-suggestions';
import { REGISTRATION_FLOOR_MS } from '../registration.service';
import { CompanyRegistrationController } from './company-registration.controller';

describe('CompanyRegistrationController', () => {
  describe('the last step (« Valider »)', () => {
    it('answers no sooner than the citizen form does, however fast the account is created', async () => {
      const draft = { id: '6f1c1d2e-0000-4000-8000-000000000001', step: 3, values: {}, document: null };
      // The account « created » at once: only the controller's floor can make the answer wait.
      const registration = {
        draft: () => Promise.resolve(draft),
        finish: () =>
          Promise.resolve({
            status: 'created',
            outcome: { next: 'email', accountId: null, email: 'lea@bleu-sa.fr', mobilePhone: null, identifier: 'lea' },
          }),
      } as unknown as CompanyRegistration;
      const config = {
        secretKey: 'une-clé-de-test-assez-longue-pour-hkdf',
        publicUrl: 'http://localhost:3000',
        registration: { contractNumber: 'off' },
      } as unknown as AppConfig;
      const controller = new CompanyRegistrationController(registration, {} as IdentifierSuggestions, config);
      const views: string[] = [];
      const res = {
        cookie: () => res,
        clearCookie: () => res,
        status: () => res,
        render: (view: string) => void views.push(view),
      } as unknown as Response;

      const started = performance.now();
      await controller.submit(
        '4',
        {
          action: 'suivant',
          password: 'Chaussette-Volante-7',
          passwordConfirmation: 'Chaussette-Volante-7',
        },
        { cookies: {} } as unknown as Request,
        res,
      );
      const elapsed = performance.now() - started;
      assert.equal(views.length, 1, 'the page of the activation e-mail');
      assert.ok(elapsed >= REGISTRATION_FLOOR_MS - 5, `answered after ${Math.round(elapsed)} ms`);
    });
  });
});
