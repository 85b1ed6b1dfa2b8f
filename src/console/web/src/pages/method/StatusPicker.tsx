/** Choose one status code of a response map, or add a new one. */
import { useState } from 'preact/hooks';
import { Field } from '../../components/Field.js';

export function StatusPicker({ statuses, selected, onSelect, onAdd, addLabel, withPattern }: {
  statuses: string[]; selected: string | undefined; onSelect: (s: string) => void;
  onAdd: (status: string, pattern: string) => void; addLabel: string; withPattern?: boolean;
}) {
  const [status, setStatus] = useState('');
  const [pattern, setPattern] = useState('');
  return (
    <div class="row wrap status-picker">
      {statuses.length > 0 ? (
        <div role="group" aria-label="Status codes" class="segmented">
          {statuses.map((s) => (
            <button type="button" aria-pressed={s === selected} class={s === selected ? 'selected' : ''} onClick={() => onSelect(s)}>
              {s}
            </button>
          ))}
        </div>
      ) : null}
      <Field label="New status code">
        {(id) => <input id={id} class="narrow" pattern="[1-5][0-9][0-9]" value={status} placeholder="400" onInput={(e) => setStatus((e.currentTarget as HTMLInputElement).value)} />}
      </Field>
      {withPattern ? (
        <Field label="Selection pattern (regex)">
          {(id) => <input id={id} value={pattern} placeholder="4\d{2}" onInput={(e) => setPattern((e.currentTarget as HTMLInputElement).value)} />}
        </Field>
      ) : null}
      <button
        type="button"
        class="secondary small"
        disabled={!/^[1-5]\d\d$/.test(status) || statuses.includes(status)}
        onClick={() => {
          onAdd(status, pattern);
          setStatus('');
          setPattern('');
        }}
      >
        {addLabel}
      </button>
    </div>
  );
}
