import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as fr from '@zxcvbn-ts/language-fr';
import { t } from '../../platform/i18n/i18n';

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
  /** What is missing, in the current request's language (French outside one); empty when the password is accepted. */
  problems: string[];
  /** zxcvbn's advice, in the current language. */
  suggestions: string[];
}

/**
 * The strength meter, with the French dictionary and keyboard layouts (zxcvbn-ts), built once. Its feedback comes as
 * zxcvbn's translation keys (its default), put into words at each check in the request's language:
 * `registration:password.warnings.<key>` and `suggestions.<key>` (the French ones are `@zxcvbn-ts/language-fr`'s own
 * texts, a test keeps them so). The score does not depend on the language.
 */
const zxcvbn = new ZxcvbnFactory({
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
  if (password.length < 8) problems.push(t('registration:password.length'));
  if (!/\p{Lu}/u.test(password)) problems.push(t('registration:password.upperCase'));
  if (!/\d/.test(password)) problems.push(t('registration:password.digit'));
  const words = personal.flatMap((value) => value.toLowerCase().split(/[\s@._-]+/)).filter((w) => w.length >= 3);
  // zxcvbn is slow on very long inputs; a password that long is not weak by guessing anyway.
  const result = zxcvbn.check(password.slice(0, 100), words);
  const strength: PasswordStrength = result.score >= 3 ? 'fort' : result.score === 2 ? 'moyen' : 'faible';
  if (password.length > 256) problems.push(t('registration:password.maxLength'));
  if (strength === 'faible') {
    const warning = result.feedback.warning ? t(`registration:password.warnings.${result.feedback.warning}`) : '';
    problems.push(
      warning
        ? t('registration:password.guessableBecause', { reason: lower(warning) })
        : t('registration:password.guessable'),
    );
  }
  const rules: PasswordRules = {
    level: strength !== 'faible',
    length: password.length >= 8,
    upperCase: /\p{Lu}/u.test(password),
    digit: /\d/.test(password),
  };
  const suggestions = result.feedback.suggestions.map((key) => t(`registration:password.suggestions.${key}`));
  return { strength, rules, problems, suggestions };
}

/**
 * The message for a refused password, in the current language: what it must contain (« au moins 8 caractères, une
 * lettre majuscule et un chiffre »), then, as a sentence of its own, that it is too easy to guess and why.
 */
export function describePasswordProblems(problems: string[]): string {
  const guessablePrefix = t('registration:password.guessable');
  const missing = problems.filter((p) => !p.startsWith(guessablePrefix));
  const guessable = problems.find((p) => p.startsWith(guessablePrefix));
  const sentences: string[] = [];
  if (missing.length > 0) sentences.push(t('registration:password.mustContain', { list: listOf(missing) }));
  if (guessable)
    sentences.push(
      t(missing.length > 0 ? 'registration:password.alsoGuessable' : 'registration:password.isGuessable', {
        guessable,
      }),
    );
  return sentences.join(' ');
}

/** « a, b et c » / « a, b and c ». */
function listOf(items: string[]): string {
  return items.length > 1
    ? `${items.slice(0, -1).join(', ')}${t('registration:password.and')}${items[items.length - 1]}`
    : items[0];
}

function lower(sentence: string): string {
  return sentence.charAt(0).toLowerCase() + sentence.slice(1).replace(/\.$/, '');
}
