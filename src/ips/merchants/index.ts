/**
 * IPS merchant registry and the one interbank QR (IPS-4): acquiring banks register their merchants
 * and issue static and dynamic EMV QR codes for them; the payment flow resolves a scanned code to the
 * merchant and marks a dynamic code paid once. Merchant fees come from a tariff (IPS-7), never the payer.
 */
export {
  type AlternateName,
  kzIbanOf,
  MERCHANT_LANGUAGES,
  MERCHANT_STATUSES,
  type Merchant,
  type MerchantInput,
  type MerchantLanguage,
  type MerchantPatch,
  type MerchantStatus,
  validateKzIban,
} from './domain/merchant.ts';
export type { DynamicQr, QrLabels, QrStatus } from './domain/qr.ts';
export { ipsMerchantsMigrations } from './migrations.ts';
export { type MerchantRoutesDeps, merchantRoutes } from './routes.ts';
export {
  type DynamicQrRequest,
  type DynamicQrView,
  type MerchantActor,
  MerchantsService,
  type QrRefusal,
  type QrRefusalReason,
  type QrResolution,
  qrRefusalError,
  type ResolvedQr,
} from './service.ts';
