/** A destructive button that asks once more in place (no window.confirm). */
import { useEffect, useState } from 'preact/hooks';

export function ConfirmButton({ label, confirmLabel, onConfirm, disabled }: { label: string; confirmLabel?: string; onConfirm: () => void; disabled?: boolean }) {
  const [asking, setAsking] = useState(false);
  useEffect(() => {
    if (!asking) return;
    const id = setTimeout(() => setAsking(false), 5000);
    return () => clearTimeout(id);
  }, [asking]);
  return asking ? (
    <span class="confirm">
      <button type="button" class="danger" disabled={disabled} onClick={() => (setAsking(false), onConfirm())}>
        {confirmLabel ?? `Yes, ${label.toLowerCase()}`}
      </button>
      <button type="button" class="link" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  ) : (
    <button type="button" class="danger-outline" disabled={disabled} onClick={() => setAsking(true)}>
      {label}
    </button>
  );
}
