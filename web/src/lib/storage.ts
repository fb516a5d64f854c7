/** Per-user, per-project view preferences kept in the browser (hidden runs, columns, pins,
 * removed panels). The URL carries what should be shareable; this carries personal layout. */
import { useCallback, useEffect, useState } from "react";

export function usePersisted<T>(key: string, initial: T): [T, (v: T) => void] {
  const [value, setValue] = useState<T>(() => {
    try {
      const raw = localStorage.getItem(key);
      return raw === null ? initial : (JSON.parse(raw) as T);
    } catch {
      return initial;
    }
  });
  const set = useCallback(
    (v: T) => {
      setValue(v);
      try {
        localStorage.setItem(key, JSON.stringify(v));
      } catch {
        // Storage full or disabled: the preference lasts for this page only.
      }
    },
    [key],
  );
  return [value, set];
}

/** `value`, but only after it stopped changing for `ms`: charts follow the filter box without
 * re-fetching on every keystroke, while the table updates at once. */
export function useDebounced<T>(value: T, ms: number, passThrough?: (settled: T) => boolean): T {
  const [settled, setSettled] = useState(value);
  // `passThrough(settled)`: take the new value at once (e.g. the first data after an empty start).
  const now = passThrough?.(settled) ?? false;
  useEffect(() => {
    if (now) {
      setSettled(value);
      return;
    }
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms, now]);
  return now ? value : settled;
}
