export { AuditModule } from './audit.module';
export { AuditService, type AuditRecord } from './audit.service';
export type { AuditActorType, AuditOutcome } from './audit-event.entity';
