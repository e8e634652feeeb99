/**
 * A problem that stops the platform from starting and that the operator can fix: printed as its message alone, with
 * no stack trace, and the process exits non-zero.
 */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}
