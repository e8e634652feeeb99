/** Dates as French people read them in pages and e-mails, in metropolitan French time. */
export function frenchDate(date: Date): string {
  return date.toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long' });
}

/** « 23 novembre 2026 à 10:00 ». */
export function frenchDateTime(date: Date): string {
  return date.toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' });
}
