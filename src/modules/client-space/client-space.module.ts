import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FirstPartySpaceModule } from '../../platform/first-party/first-party.module';
import { PaymentsModule } from '../../platform/payments';
import { VirusScanner } from '../../platform/storage/virus-scanner';
import { IdentityModule } from '../identity';
import { NotificationsModule } from '../notifications';
import { ContactChangeRequest, DossierMessage } from './entities/client-request.entity';
import { Dossier, DossierClient } from './entities/dossier.entity';
import { FirmClient } from './entities/firm-client.entity';
import { Firm, FirmStaff } from './entities/firm.entity';
import { SharedItem } from './entities/shared-item.entity';
import { FirmsApiController } from './api/firms-api.controller';
import { FirmAudit } from './firm-audit';
import { FirmClientCheck, FirmStaffCheck } from './firm-staff.check';
import { FirmsService } from './firms.service';
import { InvoicePaymentsService } from './invoice-payments.service';
import { ItemsService } from './items.service';
import { ClientPagesController } from './pages/client-pages.controller';
import { FirmPagesController } from './pages/firm-pages.controller';
import { uploadMiddleware } from './pages/upload.middleware';
import { RequestsService } from './requests.service';

/** The clients' side: a first-party relying party of the platform's provider (single sign-on with the other spaces). */
export const CLIENT_SPACE = {
  clientId: 'plateforme-espace-client',
  name: 'l’espace client',
  path: '/espace-client',
  scope: 'openid profile email',
};

/** The firms' side. */
export const FIRM_SPACE = {
  clientId: 'plateforme-espace-cabinet',
  name: 'l’espace cabinet',
  path: '/espace-cabinet',
  scope: 'openid profile email',
};

/**
 * The client space (docs/client-space.md): firms and their staff, clients and dossiers, items shared explicitly,
 * uploads, contact-change requests and messages; both sides are first-party spaces.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      Firm,
      FirmStaff,
      FirmClient,
      Dossier,
      DossierClient,
      SharedItem,
      ContactChangeRequest,
      DossierMessage,
    ]),
    IdentityModule,
    NotificationsModule,
    PaymentsModule,
    FirstPartySpaceModule.register(CLIENT_SPACE),
    FirstPartySpaceModule.register(FIRM_SPACE),
  ],
  controllers: [FirmPagesController, ClientPagesController, FirmsApiController],
  providers: [
    FirmsService,
    ItemsService,
    RequestsService,
    InvoicePaymentsService,
    VirusScanner,
    FirmAudit,
    FirmStaffCheck,
    FirmClientCheck,
  ],
  exports: [FirmsService, ItemsService, RequestsService],
})
export class ClientSpaceModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(uploadMiddleware)
      .forRoutes(
        { path: 'espace-client/cabinets/:firm/depot', method: RequestMethod.POST },
        { path: 'espace-cabinet/cabinets/:firm/dossiers/:dossier/elements', method: RequestMethod.POST },
        { path: 'espace-cabinet/cabinets/:firm/apparence', method: RequestMethod.POST },
        { path: 'espace-client/cabinets/:firm/dossiers/:dossier/contact', method: RequestMethod.POST },
        { path: 'espace-cabinet/cabinets/:firm/dossiers/:dossier/messages', method: RequestMethod.POST },
      );
  }
}
