/**
 * QR images of a payload through the `qrcode` library, error correction level M (EMV QRCPS asks
 * for at least L; M survives a scuffed sticker). A string is decoded first, so only a valid NDFI
 * payload is ever drawn.
 */
import QRCode from 'qrcode';
import { decode } from './decode.ts';
import { encode } from './encode.ts';
import type { EmvQr } from './model.ts';

export interface RenderOptions {
  /** Pixels per module (PNG) — default 8; ignored when `width` is set. */
  scale?: number;
  /** Output width in pixels (PNG) or user units (SVG). */
  width?: number;
  /** Quiet zone in modules; default 4, the minimum the QR standard asks for. */
  margin?: number;
}

function payloadOf(input: string | EmvQr): string {
  if (typeof input === 'string') {
    decode(input);
    return input;
  }
  return encode(input);
}

function qrOptions(options: RenderOptions) {
  return {
    errorCorrectionLevel: 'M' as const,
    margin: options.margin ?? 4,
    ...(options.width !== undefined ? { width: options.width } : { scale: options.scale ?? 8 }),
  };
}

/** A PNG image of the QR code. */
export async function renderPng(input: string | EmvQr, options: RenderOptions = {}): Promise<Buffer> {
  const payload = payloadOf(input);
  return QRCode.toBuffer(payload, { ...qrOptions(options), type: 'png' });
}

/** An SVG document (a string starting with `<svg`) of the QR code. */
export async function renderSvg(input: string | EmvQr, options: RenderOptions = {}): Promise<string> {
  const payload = payloadOf(input);
  return QRCode.toString(payload, { ...qrOptions(options), type: 'svg' });
}
