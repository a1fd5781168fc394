/**
 * CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor) as EMV QRCPS §4.7.3
 * asks: over the UTF-8 bytes of the whole payload up to and including the CRC's own "6304".
 */

const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

const utf8 = new TextEncoder();

/** The CRC of `data` (a string is taken as its UTF-8 bytes) as a number 0…0xFFFF. */
export function crc16(data: string | Uint8Array): number {
  const bytes = typeof data === 'string' ? utf8.encode(data) : data;
  let crc = 0xffff;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ byte) & 0xff]!;
  return crc;
}

/** The CRC as EMV writes it: 4 uppercase hex digits. */
export function crc16Hex(data: string | Uint8Array): string {
  return crc16(data).toString(16).toUpperCase().padStart(4, '0');
}
