export { KargoNotifier, KARGO_NOTIFICATION_TOPICS } from './KargoNotifier';
