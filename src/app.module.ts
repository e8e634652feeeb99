import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type PlatformOptions } from './platform/platform.module';

/** The platform: its foundation, then one module per domain (DESIGN.md), added as they are built. */
@Module({})
export class AppModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    return { module: AppModule, imports: [PlatformModule.forRoot(options)] };
  }
}
