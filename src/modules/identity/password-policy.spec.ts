import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
      'Le mot de passe doit comporter au moins 8 caractères, une lettre majuscule, un chiffre.',
    );
  });

  it('refuses common French passwords even when they follow the rules', () => {
    for (const password of ['Azerty123', 'Motdepasse1', 'Soleil2024', 'Bonjour123']) {
      const check = checkPassword(password);
      assert.equal(check.strength, 'faible', password);
      assert.ok(
        check.problems.some((p) => p.startsWith('être plus difficile à deviner')),
        password,
      );
    }
  });

  it('refuses a password made of the person’s own data', () => {
    assert.ok(checkPassword('Dupontmarie1', ['Marie', 'Dupont', 'marie.dupont@example.fr']).problems.length > 0);
  });
});
