import { DomainError, type ErrorKind, type FieldErrors } from '../../platform/errors';
import { render, renderHere, type Message } from './subscriptions.messages';

export enum SubscriptionsErrorCode {
  INVALID_INPUT = 'INVALID_INPUT',
  PRODUCT_CODE_TAKEN = 'PRODUCT_CODE_TAKEN',
  CLIENT_TAKEN = 'CLIENT_TAKEN',
  PRODUCT_NOT_FOUND = 'PRODUCT_NOT_FOUND',
  SUBSCRIPTION_NOT_FOUND = 'SUBSCRIPTION_NOT_FOUND',
  SEATS_EXHAUSTED = 'SEATS_EXHAUSTED',
  ALREADY_MEMBER = 'ALREADY_MEMBER',
  MEMBER_NOT_FOUND = 'MEMBER_NOT_FOUND',
  SEATS_IN_USE = 'SEATS_IN_USE',
  NO_PERSONAL_ACCOUNT = 'NO_PERSONAL_ACCOUNT',
  ACCESS_CODES_ALREADY_ISSUED = 'ACCESS_CODES_ALREADY_ISSUED',
  ACCESS_CODES_NOT_FOUND = 'ACCESS_CODES_NOT_FOUND',
  OUTSIDE_API_BINDING = 'OUTSIDE_API_BINDING',
}

const kinds: Record<SubscriptionsErrorCode, ErrorKind> = {
  [SubscriptionsErrorCode.INVALID_INPUT]: 'invalid',
  [SubscriptionsErrorCode.PRODUCT_CODE_TAKEN]: 'conflict',
  [SubscriptionsErrorCode.CLIENT_TAKEN]: 'conflict',
  [SubscriptionsErrorCode.PRODUCT_NOT_FOUND]: 'not_found',
  [SubscriptionsErrorCode.SUBSCRIPTION_NOT_FOUND]: 'not_found',
  [SubscriptionsErrorCode.SEATS_EXHAUSTED]: 'conflict',
  [SubscriptionsErrorCode.ALREADY_MEMBER]: 'conflict',
  [SubscriptionsErrorCode.MEMBER_NOT_FOUND]: 'not_found',
  [SubscriptionsErrorCode.SEATS_IN_USE]: 'conflict',
  [SubscriptionsErrorCode.NO_PERSONAL_ACCOUNT]: 'conflict',
  [SubscriptionsErrorCode.ACCESS_CODES_ALREADY_ISSUED]: 'conflict',
  [SubscriptionsErrorCode.ACCESS_CODES_NOT_FOUND]: 'not_found',
  [SubscriptionsErrorCode.OUTSIDE_API_BINDING]: 'forbidden',
};

export class SubscriptionsError extends DomainError {
  /** The catalogue's message, when the error has one: pages show it in their language (`pageMessage`). */
  text?: Message;

  constructor(code: SubscriptionsErrorCode, message: string, fields?: FieldErrors) {
    super(code, kinds[code], message, fields);
  }

  /** An error whose message is the catalogue's: French in `message` (the API, the command line), any language on pages. */
  static of(code: SubscriptionsErrorCode, text: Message): SubscriptionsError {
    const error = new SubscriptionsError(code, render(text));
    error.text = text;
    return error;
  }

  /** The message in the request's language. */
  pageMessage(): string {
    return this.text ? renderHere(this.text) : this.message;
  }
}
