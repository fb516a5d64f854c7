import { useEffect, useRef } from "react";

/** Closes a popover (column picker, shortcuts help, ...) on Escape while it is open, as every
 * popover of the app does (menus, the add-panel dialog, statistics and viewers have their own).
 * An Escape that a popover inside it already handled (preventDefault: the panel editor or a panel
 * menu over a full-screen panel) closes only that one. */
export function useEscape(open: boolean, close: () => void): void {
  const latest = useRef(close);
  latest.current = close;
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === "Escape" && !e.defaultPrevented) latest.current();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);
}
