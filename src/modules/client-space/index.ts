export { ClientSpaceModule, CLIENT_SPACE, FIRM_SPACE } from './client-space.module';
export { FirmsService } from './firms.service';
export { ItemsService } from './items.service';
export { RequestsService } from './requests.service';
export { ClientSpaceError, ClientSpaceErrorCode } from './client-space.errors';
export { clientSpaceCommands } from './cli/firms.commands';
