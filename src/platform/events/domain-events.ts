import { Injectable } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';

/**
 * Every domain event, by name (`<module>.<entity>.<past-verb>`), with its payload type. Each module adds its own events
 * to this interface in its `<module>.events.ts` (TypeScript declaration merging), so that `publish()` and
 * `@OnDomainEvent()` check the payload against the name, and the emitting module never imports its listeners.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface DomainEventMap {}

export type DomainEventName = keyof DomainEventMap;

/**
 * Publishes domain events to the modules that listen (`@OnDomainEvent`), through `@nestjs/event-emitter`.
 *
 * Publish AFTER the transaction of the change has committed (`await dataSource.transaction(...)`, then `publish`): a
 * listener must never see a change that may still roll back, and on PGlite's single connection it could not even read
 * it. Listeners run in the same process, in turn, and `publish` waits for them; a failing listener is logged and does
 * not fail the change, which is already committed. Events are not durable: a side effect that must not be lost goes
 * through the notifications outbox, in the transaction of the change.
 */
@Injectable()
export class DomainEvents {
  constructor(private readonly emitter: EventEmitter2) {}

  async publish<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): Promise<void> {
    await this.emitter.emitAsync(name, payload);
  }
}

/**
 * Marks a provider method as a listener of one domain event; its parameter must take that event's payload. Errors
 * are caught and logged (the emitter's `suppressErrors`), never thrown back to the module that published.
 */
export function OnDomainEvent<K extends DomainEventName>(name: K) {
  const decorator = OnEvent(name, { promisify: true, suppressErrors: true });
  // Generic over the method, so that a method of any return type (async included) fits, and a parameter of another
  // type does not.
  return <Method extends (payload: DomainEventMap[K]) => unknown>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<Method>,
  ): void => {
    decorator(target, key, descriptor);
  };
}
