import { QueryFailedError } from 'typeorm';

/** The longest argument a command accepts: far above any URI or name, far below what would reach a column or a log. */
export const MAX_ARGUMENT_LENGTH = 2048;

// C0 and C1 control characters, DEL, and the Unicode line and paragraph separators: never in a name, an address or an id.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Refuses, before anything runs, the arguments no command accepts: control characters and oversized values. */
export function checkArguments(argv: readonly string[]): string | undefined {
  for (const [index, argument] of argv.entries()) {
    const option = argv[index - 1]?.startsWith('--') ? ` (${argv[index - 1]})` : '';
    if (argument.length > MAX_ARGUMENT_LENGTH) {
      return `Erreur : valeur trop longue${option} : ${argument.length} caractères, ${MAX_ARGUMENT_LENGTH} au plus.`;
    }
    if (CONTROL.test(argument)) {
      return `Erreur : caractère de contrôle interdit dans l’argument n° ${index + 1}${option}.`;
    }
  }
  return undefined;
}

/**
 * A one-line French message for an error no command expected: the database's refusals get their meaning, anything else
 * its message alone (the stack is for the logs of the running instance, not for the operator's terminal).
 */
export function describeUnexpected(error: unknown): string {
  if (error instanceof QueryFailedError) {
    const code = (error.driverError as { code?: string } | undefined)?.code ?? '';
    switch (code) {
      case '42P01':
        return 'La base de données n’est pas à jour : appliquez d’abord les migrations (`npm run cli -- migrate`).';
      case '22001':
        return 'Une valeur est trop longue pour être enregistrée.';
      case '22P02':
      case '22007':
      case '22008':
        return 'Une valeur n’a pas le format attendu.';
      case '23505':
        return 'Cet élément existe déjà.';
      case '23503':
        return 'Un élément référencé n’existe pas.';
      default:
        return `La base de données a refusé l’opération (code ${code || 'inconnu'}).`;
    }
  }
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET') {
    return 'Base de données injoignable : vérifiez DATABASE_URL et que le serveur PostgreSQL est démarré.';
  }
  return `Échec inattendu : ${(message ?? String(error)).split('\n')[0]}`;
}
