export { AdminModule } from './admin.module';
export { OperatorsService, type OperatorView } from './operators.service';
export { OperatorRoles } from './operator-roles';
export { StepUp, STEP_UP_MINUTES } from './step-up';
export { OPERATOR_ROLES, type OperatorRole } from './entities/operator.entity';
export { AdminError, AdminErrorCode } from './admin.errors';
export { adminCommands } from './cli/admin.commands';
