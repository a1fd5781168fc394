/**
 * `($1, $2), ($3, $4)…` for a multi-row INSERT of `rows` rows of `cols` columns, portable to both engines
 * (SqliteDb binds them as plain `?`). Memoised: modules use a few fixed chunk sizes.
 */
const memo = new Map<string, string>();
export function rowPlaceholders(rows: number, cols: number): string {
  const key = `${rows}x${cols}`;
  let s = memo.get(key);
  if (s === undefined) {
    const out: string[] = [];
    for (let r = 0; r < rows; r++) {
      const p: string[] = [];
      for (let c = 1; c <= cols; c++) p.push(`$${r * cols + c}`);
      out.push(`(${p.join(', ')})`);
    }
    s = out.join(', ');
    memo.set(key, s);
  }
  return s;
}
