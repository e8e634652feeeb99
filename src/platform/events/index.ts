export { DomainEvents, OnDomainEvent, type DomainEventMap, type DomainEventName } from './domain-events';
