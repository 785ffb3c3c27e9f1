import { useEffect, useEffectEvent, type RefObject } from 'react';

const FOCUSABLE = 'a[href], button, input:not([type="hidden"]), select, textarea, [tabindex]';

/**
 * The elements Tab stops on inside `container`, in document order. A radio
 * group is one stop, on its checked radio, as the browser does.
 */
function tabStops(container: HTMLElement): HTMLElement[] {
  const focusable = [...container.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled && !el.closest('[hidden], [inert]'),
  );
  const isRadio = (el: HTMLElement): el is HTMLInputElement => el instanceof HTMLInputElement && el.type === 'radio' && el.name !== '';
  const checkedGroups = new Set(focusable.filter((el) => isRadio(el) && el.checked).map((el) => (el as HTMLInputElement).name));
  return focusable.filter((el) => !(isRadio(el) && !el.checked && checkedGroups.has(el.name)));
}

/** Open modals, innermost last: only the innermost answers the keyboard. */
const openModals: object[] = [];

/**
 * Makes the mounted `dialog` modal for the keyboard: focus moves in (to
 * `initialFocus`, else the first tab stop), Tab and Shift+Tab cycle inside it,
 * Escape calls `onClose` wherever focus is, and on unmount focus goes back to
 * what had it before — or, when that is gone (its tile re-mounted),
 * to what `returnFocus` finds. The listener sits on the document in the capture phase,
 * so a focus that has escaped to the page (a click on the backdrop, a blur)
 * still reaches it, and handlers behind the dialog (the details panel closes
 * on Escape) never see its keys.
 */
export function useModal(
  dialog: RefObject<HTMLElement | null>,
  onClose: () => void,
  initialFocus?: RefObject<HTMLElement | null>,
  returnFocus?: () => HTMLElement | null,
): void {
  const close = useEffectEvent(onClose);
  const fallback = useEffectEvent(() => returnFocus?.() ?? null);

  useEffect(() => {
    const container = dialog.current;
    if (!container) return;
    const opener = document.activeElement;
    const self = {};
    openModals.push(self);
    (initialFocus?.current ?? tabStops(container)[0])?.focus();

    const onKeyDown = (event: KeyboardEvent) => {
      if (openModals.at(-1) !== self) return;
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        close();
      } else if (event.key === 'Tab') {
        const stops = tabStops(container);
        const at = document.activeElement;
        const inside = at instanceof Node && container.contains(at);
        const edge = event.shiftKey ? stops[0] : stops.at(-1);
        // Between the edges the browser's own order is right; past them, wrap.
        if (!inside || at === edge || stops.length === 0) {
          event.preventDefault();
          (event.shiftKey ? stops.at(-1) : stops[0])?.focus();
        }
      }
    };
    document.addEventListener('keydown', onKeyDown, true);
    return () => {
      document.removeEventListener('keydown', onKeyDown, true);
      openModals.splice(openModals.indexOf(self), 1);
      // The opener may be gone: re-mounted (found again), scrolled out or forgotten (nowhere to go).
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      else fallback()?.focus();
    };
  }, [dialog, initialFocus]);
}
