import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FirstPartySpaceModule } from '../../platform/first-party/first-party.module';
import { MenuRegistry } from '../../platform/views/menus';
import { IdentityModule } from '../identity';
import { NotificationsModule } from '../notifications';
import { CONSOLE_SPACE } from './admin-space';
import { DashboardService } from './dashboard.service';
import { Operator } from './entities/operator.entity';
import { OperatorRoles } from './operator-roles';
import { OperatorsService } from './operators.service';
import { DashboardController } from './pages/dashboard.controller';
import { AccountsController } from './pages/accounts.controller';
import { AuditTrailController } from './pages/audit-trail.controller';
import { RelyingPartiesController } from './pages/relying-parties.controller';
import { SigningKeysController } from './pages/signing-keys.controller';
import { OutboxController } from './pages/outbox.controller';
import { RelyingPartiesService } from './relying-parties.service';
import { OidcModule } from '../oidc';
import { AccountAdministrationService } from './account-administration.service';
import { StepUp } from './step-up';
import { OutboxAdministrationService } from './outbox-administration.service';
import { AdminAccountsApiController } from './api/admin-accounts.api.controller';
import { AdminAuditApiController } from './api/admin-audit.api.controller';
import { AdminClientsApiController } from './api/admin-clients.api.controller';
import { AdminKeysApiController } from './api/admin-keys.api.controller';
import { AdminOutboxApiController } from './api/admin-outbox.api.controller';

/** The operators' console (`/admin`): its shell, the operators and their roles, the dashboard. */
@Module({
  imports: [
    TypeOrmModule.forFeature([Operator]),
    IdentityModule,
    NotificationsModule,
    OidcModule,
    FirstPartySpaceModule.register(CONSOLE_SPACE),
  ],
  controllers: [
    DashboardController,
    AccountsController,
    RelyingPartiesController,
    SigningKeysController,
    OutboxController,
    AuditTrailController,
    // The administration API (/api/v1/admin): the same services, for operator clients (admin:read, admin:write).
    AdminAccountsApiController,
    AdminClientsApiController,
    AdminKeysApiController,
    AdminOutboxApiController,
    AdminAuditApiController,
  ],
  providers: [
    OperatorsService,
    OperatorRoles,
    DashboardService,
    AccountAdministrationService,
    StepUp,
    RelyingPartiesService,
    OutboxAdministrationService,
  ],
  exports: [OperatorsService, OperatorRoles, StepUp],
})
export class AdminModule {
  constructor(menus: MenuRegistry) {
    menus.add(
      'console',
      { key: 'dashboard', href: '/admin', label: 'Tableau de bord', labelKey: 'admin:menu.dashboard', order: 10 },
      { key: 'accounts', href: '/admin/comptes', label: 'Comptes', labelKey: 'admin:menu.accounts', order: 20 },
      { key: 'sites', href: '/admin/sites', label: 'Sites', labelKey: 'admin:menu.sites', order: 40 },
      { key: 'keys', href: '/admin/cles', label: 'Clés de signature', labelKey: 'admin:menu.keys', order: 50 },
      { key: 'outbox', href: '/admin/envois', label: 'Envois', labelKey: 'admin:menu.outbox', order: 60 },
      { key: 'audit', href: '/admin/journal', label: 'Journal d’audit', labelKey: 'admin:menu.audit', order: 90 },
    );
  }
}
