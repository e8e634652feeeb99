/** A delivery that will not succeed by retrying (SMTP 5xx, a gateway refusing the number, an expired webhook...). */
export class PermanentDeliveryError extends Error {}

/**
 * Retry or give up after an HTTP answer: 5xx, 408 (timeout) and 429 (too many requests) are retried; anything else
 * that is not 2xx (a redirection, another 4xx) will not change by retrying.
 */
export function checkHttpAnswer(what: string, status: number): void {
  if (status >= 200 && status < 300) return;
  const message = `${what} a répondu ${status}`;
  if (status >= 500 || status === 408 || status === 429) throw new Error(message);
  throw new PermanentDeliveryError(message);
}
