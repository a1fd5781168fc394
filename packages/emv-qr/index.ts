/**
 * EMV QR Code, merchant-presented mode, as NDFI's one interbank standard for C2B payments
 * (IPS-4): model, encoder, strict decoder, CRC-16 and PNG/SVG rendering.
 */
export { checkAmount, formatAmount, parseAmount } from './amount.ts';
export { crc16, crc16Hex } from './crc.ts';
export { decode } from './decode.ts';
export { encode } from './encode.ts';
export { EmvQrError, type EmvQrErrorCode } from './errors.ts';
export {
  type AdditionalData,
  type AlternateLanguage,
  COUNTRY_KZ,
  CURRENCY_KZT,
  type EmvQr,
  type Initiation,
  MAX_AMOUNT,
  NDFI_GUI,
  NDFI_TEMPLATE_ID,
  type NdfiMerchantAccount,
} from './model.ts';
export { type RenderOptions, renderPng, renderSvg } from './render.ts';
export { type DataObject, MAX_PAYLOAD_LENGTH, parseObjects, readPayload } from './tlv.ts';
