/** The runs filter's errors, worded as the server words them (store/sql/filters.py), so that the
 * shared cases (tests/cases/run_filters.json) can check both with the same words. */

export class FilterError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "FilterError";
  }
}

/** A filter value as the server's messages show it (Python's repr). */
export function shown(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "string") return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(shown).join(", ")}]`;
  if (typeof v === "object") return `{${Object.entries(v).map(([k, x]) => `'${k}': ${shown(x)}`).join(", ")}}`;
  return String(v);
}

export function bad(message: string, hint: string, field?: string): FilterError {
  return new FilterError(`${message} (${hint})`, field);
}
