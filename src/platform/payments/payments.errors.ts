import { DomainError, type ErrorKind, type FieldErrors } from '../errors';

export enum PaymentsErrorCode {
  INVALID_PAYMENT = 'INVALID_PAYMENT',
  PROVIDER_UNAVAILABLE = 'PROVIDER_UNAVAILABLE',
  PAYMENT_NOT_FOUND = 'PAYMENT_NOT_FOUND',
}

const kinds: Record<PaymentsErrorCode, ErrorKind> = {
  [PaymentsErrorCode.INVALID_PAYMENT]: 'invalid',
  [PaymentsErrorCode.PROVIDER_UNAVAILABLE]: 'unavailable',
  [PaymentsErrorCode.PAYMENT_NOT_FOUND]: 'not_found',
};

export class PaymentsError extends DomainError {
  constructor(code: PaymentsErrorCode, message: string, fields?: FieldErrors) {
    super(code, kinds[code], message, fields);
  }
}
