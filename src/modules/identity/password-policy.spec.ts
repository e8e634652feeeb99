import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fr from '@zxcvbn-ts/language-fr';
import { readCatalogues, withLocale } from '../../platform/i18n/i18n';
import { checkPassword, describePasswordProblems } from './password-policy';

describe('password policy', () => {
  it('accepts a long, uncommon password with an upper-case letter and a digit', () => {
    const check = checkPassword('Chaussette-Volante-7');
    assert.deepEqual(check.problems, []);
    assert.equal(check.strength, 'fort');
  });

  it('names every missing rule, in French', () => {
    assert.equal(
      describePasswordProblems(checkPassword('abc').problems.slice(0, 3)),
      'Le mot de passe doit comporter au moins 8 caractères, une lettre majuscule et un chiffre.',
    );
  });

  it('says in a sentence of its own that a password is too easy to guess', () => {
    assert.equal(
      describePasswordProblems(checkPassword('azerty').problems),
      'Le mot de passe doit comporter au moins 8 caractères, une lettre majuscule et un chiffre. ' +
        'Il est aussi trop facile à deviner : ce mot de passe est couramment utilisé.',
    );
    assert.match(
      describePasswordProblems(checkPassword('Azerty123').problems),
      /^Le mot de passe est trop facile à deviner/,
    );
  });

  it('tells rule by rule what the checklist ticks', () => {
    assert.deepEqual(checkPassword('azerty').rules, { level: false, length: false, upperCase: false, digit: false });
    assert.deepEqual(checkPassword('Azerty123').rules, { level: false, length: true, upperCase: true, digit: true });
    assert.deepEqual(checkPassword('Chaussette-Volante-7').rules, {
      level: true,
      length: true,
      upperCase: true,
      digit: true,
    });
  });

  it('refuses common French passwords even when they follow the rules', () => {
    for (const password of ['Azerty123', 'Motdepasse1', 'Soleil2024', 'Bonjour123']) {
      const check = checkPassword(password);
      assert.equal(check.strength, 'faible', password);
      assert.ok(
        check.problems.some((p) => p.startsWith('trop facile à deviner')),
        password,
      );
    }
  });

  it('refuses a password made of the person’s own data', () => {
    assert.ok(checkPassword('Dupontmarie1', ['Marie', 'Dupont', 'marie.dupont@example.fr']).problems.length > 0);
  });

  it('answers in English on an English request, with zxcvbn’s feedback in English too', () => {
    withLocale('en', () => {
      assert.equal(
        describePasswordProblems(checkPassword('azerty').problems),
        'The password must contain at least 8 characters, an upper-case letter and a digit. ' +
          'It is also too easy to guess: this is a commonly used password.',
      );
      assert.match(describePasswordProblems(checkPassword('Azerty123').problems), /^The password is too easy to guess/);
      assert.ok(checkPassword('Azerty123').suggestions.every((s) => !/[éèà]/.test(s)));
    });
  });

  it('keeps zxcvbn’s French feedback word for word (the French catalogue holds @zxcvbn-ts/language-fr’s texts)', () => {
    const password = readCatalogues().fr.registration.password as Record<string, unknown>;
    assert.deepEqual(password.warnings, fr.translations.warnings);
    assert.deepEqual(password.suggestions, fr.translations.suggestions);
  });
});
