/** How the data viewer shows a record's bytes. */

export type DataView = 'text' | 'json' | 'hex';

const utf8 = new TextDecoder('utf-8', { fatal: false });

export function asText(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/** Pretty JSON, or undefined when the bytes are not JSON. */
export function asJson(bytes: Uint8Array): string | undefined {
  try {
    return JSON.stringify(JSON.parse(utf8.decode(bytes)), null, 2);
  } catch {
    return undefined;
  }
}

/** Classic hex dump: offset, 16 bytes, printable ASCII. */
export function asHex(bytes: Uint8Array, max = 4096): string {
  const lines: string[] = [];
  const n = Math.min(bytes.length, max);
  for (let off = 0; off < n; off += 16) {
    const row = bytes.subarray(off, Math.min(off + 16, n));
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  if (bytes.length > max) lines.push(`… ${bytes.length - max} more bytes`);
  return lines.join('\n');
}

export function decodeData(bytes: Uint8Array, view: DataView): string {
  if (view === 'hex') return asHex(bytes);
  if (view === 'json') return asJson(bytes) ?? `(not JSON) ${asText(bytes)}`;
  return asText(bytes);
}
