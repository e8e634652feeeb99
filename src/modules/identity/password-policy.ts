import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as fr from '@zxcvbn-ts/language-fr';

export type PasswordStrength = 'faible' | 'moyen' | 'fort';

/** The seed's checklist (« Votre mot de passe doit au minimum posséder »), rule by rule. */
export interface PasswordRules {
  level: boolean;
  length: boolean;
  upperCase: boolean;
  digit: boolean;
}

export interface PasswordCheck {
  strength: PasswordStrength;
  rules: PasswordRules;
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
  if (password.length > 256) problems.push('au plus 256 caractères');
  if (strength === 'faible') {
    problems.push(result.feedback.warning ? `${GUESSABLE} : ${lower(result.feedback.warning)}` : GUESSABLE);
  }
  const rules: PasswordRules = {
    level: strength !== 'faible',
    length: password.length >= 8,
    upperCase: /\p{Lu}/u.test(password),
    digit: /\d/.test(password),
  };
  return { strength, rules, problems, suggestions: result.feedback.suggestions };
}

const GUESSABLE = 'trop facile à deviner';

/**
 * The French message for a refused password: what it must contain (« au moins 8 caractères, une lettre majuscule et
 * un chiffre »), then, as a sentence of its own, that it is too easy to guess and why.
 */
export function describePasswordProblems(problems: string[]): string {
  const missing = problems.filter((p) => !p.startsWith(GUESSABLE));
  const guessable = problems.find((p) => p.startsWith(GUESSABLE));
  const sentences: string[] = [];
  if (missing.length > 0) sentences.push(`Le mot de passe doit comporter ${frenchList(missing)}.`);
  if (guessable) sentences.push(`${missing.length > 0 ? 'Il est aussi' : 'Le mot de passe est'} ${guessable}.`);
  return sentences.join(' ');
}

function frenchList(items: string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} et ${items[items.length - 1]}` : items[0];
}

function lower(sentence: string): string {
  return sentence.charAt(0).toLowerCase() + sentence.slice(1).replace(/\.$/, '');
}
