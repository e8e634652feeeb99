export { SecondaryAccountsModule } from './secondary-accounts.module';
export { CompanyAccounts } from './company-accounts.service';
export { SecondaryAccountsError, SecondaryAccountsErrorCode } from './secondary-accounts.errors';
export { SecondaryAccounts, type NewSecondaryAccount } from './secondary-accounts.service';
export { Teleprocedures } from './teleprocedures.service';
export { teleproceduresCommands } from './cli/teleprocedures.commands';
export { CompanyAccountsDemo, DEMO_COMPANY } from './company-accounts.demo';
