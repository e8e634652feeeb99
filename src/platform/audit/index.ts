export { AuditModule } from './audit.module';
export { AuditService, type AuditFilter, type AuditRecord } from './audit.service';
export type { AuditEvent } from './audit-event.entity';
export type { AuditActorType, AuditOutcome } from './audit-event.entity';
