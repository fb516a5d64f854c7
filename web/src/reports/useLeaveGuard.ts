/**
 * Unsaved changes are not lost by accident: closing or reloading the tab asks (the browser's own
 * prompt), and so does following a link inside the app (the router has no blocking, so clicks on
 * links are caught before it sees them).
 */
import { useEffect } from "react";

export const LEAVE_QUESTION = "Leave this report? Your unsaved changes are lost.";

export function useLeaveGuard(dirty: boolean): void {
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent): void => {
      e.preventDefault();
      e.returnValue = ""; // older browsers need it to ask
    };
    const onClick = (e: MouseEvent): void => {
      const a = (e.target as Element | null)?.closest?.("a[href]");
      // Links inside text being edited do not navigate; new tabs and downloads leave nothing.
      if (!a || a.closest("[contenteditable]") || a.getAttribute("target") === "_blank" || a.hasAttribute("download")) return;
      if (!window.confirm(LEAVE_QUESTION)) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    document.addEventListener("click", onClick, true);
    return () => {
      window.removeEventListener("beforeunload", onBeforeUnload);
      document.removeEventListener("click", onClick, true);
    };
  }, [dirty]);
}
