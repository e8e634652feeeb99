import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiTokenVerifier } from './api-access';
import { ApiCatalog } from './api-catalog';
import { ApiDocsController } from './api-docs.controller';
import { ApiIdempotencyKey } from './api-idempotency-key.entity';
import { IdempotencyInterceptor, IdempotencyStore } from './idempotency';

/** The JSON API's shared layer: token verification, route catalog and OpenAPI document, idempotency keys. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ApiIdempotencyKey])],
  controllers: [ApiDocsController],
  providers: [ApiTokenVerifier, ApiCatalog, IdempotencyStore, IdempotencyInterceptor],
  exports: [ApiTokenVerifier, ApiCatalog, IdempotencyStore, IdempotencyInterceptor],
})
export class ApiModule {}
