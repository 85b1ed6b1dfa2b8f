/** A destructive button that asks once more in place (no window.confirm). */
import { useEffect, useState } from 'preact/hooks';

export function ConfirmButton({ label, confirmLabel, onConfirm, disabled, small }: { label: string; confirmLabel?: string; onConfirm: () => void; disabled?: boolean; small?: boolean }) {
  const size = small ? ' small' : '';
  const [asking, setAsking] = useState(false);
  useEffect(() => {
    if (!asking) return;
    const id = setTimeout(() => setAsking(false), 5000);
    return () => clearTimeout(id);
  }, [asking]);
  return asking ? (
    <span class="confirm">
      <button type="button" class={`danger${size}`} disabled={disabled} onClick={() => (setAsking(false), onConfirm())}>
        {confirmLabel ?? `Yes, ${label.toLowerCase()}`}
      </button>
      <button type="button" class="link" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  ) : (
    <button type="button" class={`danger-outline${size}`} disabled={disabled} onClick={() => setAsking(true)}>
      {label}
    </button>
  );
}
