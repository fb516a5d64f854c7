import { useEffect, useRef, useState, type RefObject } from "react";

/**
 * The width a box's content has, followed as it resizes (charts and plots fill their card).
 * `fallback` until the box is measured; a zero width (the box hidden) keeps the last one, so a chart
 * in a collapsed section is not redrawn at nothing.
 */
export function useWidth(fallback = 0): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = (): void => {
      if (el.clientWidth > 0) setWidth(el.clientWidth);
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}
