import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as fr from '@zxcvbn-ts/language-fr';

export type PasswordStrength = 'faible' | 'moyen' | 'fort';

export interface PasswordCheck {
  strength: PasswordStrength;
  /** What is missing, in French; empty when the password is accepted. */
  problems: string[];
  /** zxcvbn's advice (French dictionary and translations). */
  suggestions: string[];
}

/** The strength meter, with the French dictionary and keyboard layouts (zxcvbn-ts), built once. */
const zxcvbn = new ZxcvbnFactory({
  translations: fr.translations,
  graphs: common.adjacencyGraphs,
  dictionary: { ...common.dictionary, ...fr.dictionary },
});

/**
 * The password policy of the source documents: 8 characters or more, an upper-case letter, a digit, and at least the
 * level « Moyen » (zxcvbn score 2 of 4), which also refuses common passwords and ones made of the person's own data
 * (`personal`: names, e-mail, identifier). The registration page's live meter calls the same function.
 */
export function checkPassword(password: string, personal: string[] = []): PasswordCheck {
  const problems: string[] = [];
  if (password.length < 8) problems.push('au moins 8 caractères');
  if (!/\p{Lu}/u.test(password)) problems.push('une lettre majuscule');
  if (!/\d/.test(password)) problems.push('un chiffre');
  const words = personal.flatMap((value) => value.toLowerCase().split(/[\s@._-]+/)).filter((w) => w.length >= 3);
  // zxcvbn is slow on very long inputs; a password that long is not weak by guessing anyway.
  const result = zxcvbn.check(password.slice(0, 100), words);
  const strength: PasswordStrength = result.score >= 3 ? 'fort' : result.score === 2 ? 'moyen' : 'faible';
  if (strength === 'faible') {
    problems.push(
      result.feedback.warning
        ? `être plus difficile à deviner : ${lower(result.feedback.warning)}`
        : 'être plus difficile à deviner',
    );
  }
  if (password.length > 256) problems.push('au plus 256 caractères');
  return { strength, problems, suggestions: result.feedback.suggestions };
}

/** The one-line French message for a refused password. */
export function describePasswordProblems(problems: string[]): string {
  return `Le mot de passe doit comporter ${problems.join(', ')}.`;
}

function lower(sentence: string): string {
  return sentence.charAt(0).toLowerCase() + sentence.slice(1).replace(/\.$/, '');
}
