/**
 * CSV and TSV for the file preview (RFC 4180: quoted fields may hold the delimiter, quotes doubled,
 * and line breaks). The preview reads only the first part of a big file, so the parser stops at a
 * row limit and drops a last row cut off by the end of what was read.
 */
export interface ParsedCsv {
  header: string[];
  rows: string[][];
  /** More rows follow (past the row limit, or past the bytes read). */
  truncated: boolean;
}

export function parseCsv(text: string, opts: { delimiter?: string; maxRows?: number; partial?: boolean } = {}): ParsedCsv {
  const delimiter = opts.delimiter ?? ",";
  const maxRows = opts.maxRows ?? 1000;
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte-order mark is not part of the first name
  let complete = true; // whether the last record ended with a line break
  const endRecord = (): void => {
    record.push(field);
    field = "";
    records.push(record);
    record = [];
  };
  // The header, maxRows rows, and one more to know there are more.
  for (; i < text.length && records.length <= maxRows + 1; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
      continue;
    }
    if (c === '"' && field === "") quoted = true;
    else if (c === delimiter) {
      record.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      complete = true;
      continue;
    } else field += c;
    complete = false;
  }
  const readAll = i >= text.length;
  // A last line without a line break is a row, unless the text is only the start of the file:
  // then the row may go on in the bytes not read, and is dropped.
  if (readAll && !complete && !opts.partial) endRecord();
  const [header = [], ...rows] = records;
  return { header, rows: rows.slice(0, maxRows), truncated: rows.length > maxRows || !readAll || !!opts.partial };
}
