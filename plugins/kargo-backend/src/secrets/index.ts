export type { SecretsProvider } from './SecretsProvider';
export {
  ConfigSecretsProvider,
  parseConfiguredSecrets,
  type ConfiguredSecret,
} from './ConfigSecretsProvider';
