export { APP_CONFIG, type AppConfig, type FranceConnectConfig, type PaymentsConfig } from './app-config';
export { ConfigError, loadConfig, loadConfigFromEnvironment, type LoadedConfig } from './load-config';
export { ConfigModule } from './config.module';
