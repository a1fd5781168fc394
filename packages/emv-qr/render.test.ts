/**
 * Rendering: the PNG is a PNG and the SVG an <svg> document, and — the strong check — a QR reader
 * (jsQR over the PNG decoded by pngjs) reads back exactly the payload, Cyrillic included.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { decode, type EmvQr, EmvQrError, encode, renderPng, renderSvg } from './index.ts';
import { emvQr } from './testing.ts';

// jsqr is a UMD bundle whose module.exports is the function; its types describe an ES default export
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const QR: EmvQr = {
  initiation: 'dynamic',
  merchantAccount: { bic: 'KCJBKZKX', merchantId: 'M-000123', taxId: '123456789012' },
  mcc: '5411',
  amount: 1_234_550n,
  merchantName: 'Magnum Cash&Carry',
  merchantCity: 'Astana',
  additionalData: { billNumber: 'INV-2025-0001', referenceLabel: 'ORDER-77' },
  alternateLanguage: { language: 'kk', merchantName: 'Магнум Кэш энд Кэрри', merchantCity: 'Астана' },
};

/** What a phone's camera app would read from the PNG. */
function scan(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(
    new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength),
    image.width,
    image.height,
  )?.data;
}

/**
 * The error correction level of a rendered symbol: ISO/IEC 18004 puts format bits 14 and 13 at
 * modules (8, 0) and (8, 1), masked with 0b10 (0x5412); the level is 01 L, 00 M, 11 Q, 10 H.
 */
function errorCorrectionOf(png: Buffer, scale: number, margin: number): 'L' | 'M' | 'Q' | 'H' {
  const image = PNG.sync.read(png);
  const dark = (row: number, col: number) => {
    const x = Math.floor((margin + col + 0.5) * scale);
    const y = Math.floor((margin + row + 0.5) * scale);
    return image.data[(y * image.width + x) * 4]! < 128 ? 1 : 0;
  };
  const bits = ((dark(8, 0) ^ 1) << 1) | dark(8, 1);
  return (['M', 'L', 'H', 'Q'] as const)[bits]!;
}

describe('PNG', () => {
  test('a valid PNG (signature, IHDR) that scans back to the payload, Kazakh name included', async () => {
    const payload = encode(QR);
    const png = await renderPng(payload);
    assert.ok(Buffer.isBuffer(png));
    assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
    assert.equal(png.subarray(12, 16).toString('latin1'), 'IHDR');
    assert.equal(scan(png), payload);
    assert.deepEqual(decode(scan(png)!), QR);
  });

  test('a model renders the same image as its payload', async () => {
    assert.deepEqual(await renderPng(QR), await renderPng(encode(QR)));
  });

  test('error correction level M (read from the format information), with the quiet zone and scale asked for', async () => {
    const payload = encode(QR);
    const size = QRCode.create(payload, { errorCorrectionLevel: 'M' }).modules.size;
    const png = await renderPng(payload, { scale: 3, margin: 2 });
    assert.equal(PNG.sync.read(png).width, (size + 4) * 3);
    assert.equal(errorCorrectionOf(png, 3, 2), 'M');
    // the control: the same reading tells L and H apart
    for (const level of ['L', 'H'] as const) {
      const other = await QRCode.toBuffer(payload, { errorCorrectionLevel: level, scale: 3, margin: 2, type: 'png' });
      assert.equal(errorCorrectionOf(other, 3, 2), level);
    }
  });

  test('generated codes scan back', async () => {
    await fc.assert(
      fc.asyncProperty(emvQr, async (qr) => {
        const payload = encode(qr);
        assert.equal(scan(await renderPng(payload, { scale: 4 })), payload);
      }),
      { numRuns: 25 },
    );
  });

  test('a malformed payload is refused, never drawn', async () => {
    await assert.rejects(renderPng('000201'), EmvQrError);
    await assert.rejects(renderPng({ ...QR, amount: 0n }), { code: 'bad_value', tag: '54' });
  });
});

describe('SVG', () => {
  test('an <svg> document of the same QR symbol as the PNG', async () => {
    const payload = encode(QR);
    const svg = await renderSvg(QR);
    assert.equal(typeof svg, 'string');
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /<\/svg>\s*$/);
    const size = QRCode.create(payload, { errorCorrectionLevel: 'M' }).modules.size;
    assert.match(svg, new RegExp(`viewBox="0 0 ${size + 8} ${size + 8}"`));
  });

  test('width is honoured; a malformed payload is refused', async () => {
    assert.match(await renderSvg(QR, { width: 300 }), /width="300"/);
    await assert.rejects(renderSvg(encode(QR).replace('5802KZ', '5802RU')), { code: 'crc_mismatch' });
  });
});
