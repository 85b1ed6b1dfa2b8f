/**
 * The CSV of API key files: comma-separated cells, a cell enclosed in double
 * or single quotes may hold commas and line breaks (a doubled quote inside
 * stands for one), lines end with LF or CRLF. AWS's key file format encloses
 * a list of usage plan ids in "..." or '...'.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  const src = text.replace(/^\uFEFF/, '');
  let atCellStart = true;
  while (i < src.length) {
    const c = src[i]!;
    if (atCellStart && (c === '"' || c === "'")) {
      // A quoted cell: up to the matching quote not doubled.
      const q = c;
      i++;
      while (i < src.length) {
        if (src[i] === q) {
          if (src[i + 1] === q) {
            cell += q;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        cell += src[i];
        i++;
      }
      atCellStart = false;
      continue;
    }
    if (c === ',') {
      row.push(cell);
      cell = '';
      atCellStart = true;
      i++;
      continue;
    }
    if (c === '\n' || c === '\r') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      atCellStart = true;
      i += c === '\r' && src[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    cell += c;
    atCellStart = false;
    i++;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
