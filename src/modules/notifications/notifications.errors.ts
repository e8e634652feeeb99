import { DomainError, type ErrorKind } from '../../platform/errors';

export enum NotificationsErrorCode {
  MESSAGE_NOT_FOUND = 'MESSAGE_NOT_FOUND',
  INVALID_RECIPIENT = 'INVALID_RECIPIENT',
  SMS_UNAVAILABLE = 'SMS_UNAVAILABLE',
}

const kinds: Record<NotificationsErrorCode, ErrorKind> = {
  [NotificationsErrorCode.MESSAGE_NOT_FOUND]: 'not_found',
  [NotificationsErrorCode.INVALID_RECIPIENT]: 'invalid',
  [NotificationsErrorCode.SMS_UNAVAILABLE]: 'unavailable',
};

export class NotificationsError extends DomainError {
  constructor(code: NotificationsErrorCode, message: string) {
    super(code, kinds[code], message);
  }
}
