/**
 * Edits a string→string (or string→boolean) map as rows: mappings, parameters, headers,
 * stage variables. The parent owns the map; rows keep their order while editing.
 */
import { useEffect, useId, useState } from 'preact/hooks';

interface Row {
  key: string;
  value: string;
}

export function MapEditor(props: {
  label: string;
  keyLabel: string;
  valueLabel: string;
  value: Record<string, string>;
  onChange: (next: Record<string, string>) => void;
  keyPlaceholder?: string;
  valuePlaceholder?: string;
  /** Show the value as a "Required" checkbox ('true'/'false'). */
  boolean?: boolean;
  readOnly?: boolean;
  /** Text of the add button (default "Add {keyLabel}"). */
  addLabel?: string;
}) {
  const id = useId();
  const [rows, setRows] = useState<Row[]>(() => Object.entries(props.value).map(([key, value]) => ({ key, value })));
  // Follow the parent when it replaces the map (a reload after saving).
  const signature = JSON.stringify(props.value);
  useEffect(() => {
    const fromRows = JSON.stringify(Object.fromEntries(rows.filter((r) => r.key !== '').map((r) => [r.key, r.value])));
    if (fromRows !== signature) setRows(Object.entries(props.value).map(([key, value]) => ({ key, value })));
  }, [signature]);

  const update = (next: Row[]): void => {
    setRows(next);
    props.onChange(Object.fromEntries(next.filter((r) => r.key.trim() !== '').map((r) => [r.key.trim(), r.value])));
  };
  const set = (i: number, patch: Partial<Row>): void => update(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  return (
    <fieldset class="map-editor">
      <legend>{props.label}</legend>
      {rows.length === 0 ? <p class="muted small">None.</p> : null}
      {rows.length > 0 ? (
        <table class="compact">
          <thead>
            <tr>
              <th scope="col">{props.keyLabel}</th>
              <th scope="col">{props.valueLabel}</th>
              {props.readOnly ? null : (
                <th scope="col">
                  <span class="visually-hidden">Remove</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                <td>
                  <input
                    aria-label={`${props.keyLabel} ${i + 1}`}
                    value={r.key}
                    readOnly={props.readOnly}
                    placeholder={props.keyPlaceholder}
                    onInput={(e) => set(i, { key: (e.currentTarget as HTMLInputElement).value })}
                  />
                </td>
                <td>
                  {props.boolean ? (
                    <input
                      type="checkbox"
                      aria-label={`${props.valueLabel} for ${r.key || `row ${i + 1}`}`}
                      checked={r.value === 'true'}
                      disabled={props.readOnly}
                      onChange={(e) => set(i, { value: String((e.currentTarget as HTMLInputElement).checked) })}
                    />
                  ) : (
                    <input
                      aria-label={`${props.valueLabel} for ${r.key || `row ${i + 1}`}`}
                      value={r.value}
                      readOnly={props.readOnly}
                      placeholder={props.valuePlaceholder}
                      onInput={(e) => set(i, { value: (e.currentTarget as HTMLInputElement).value })}
                    />
                  )}
                </td>
                {props.readOnly ? null : (
                  <td>
                    <button type="button" class="link" aria-label={`Remove ${r.key || `row ${i + 1}`}`} onClick={() => update(rows.filter((_, j) => j !== i))}>
                      Remove
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {props.readOnly ? null : (
        <button type="button" class="secondary small" id={`${id}-add`} onClick={() => update([...rows, { key: '', value: props.boolean ? 'false' : '' }])}>
          {props.addLabel ?? `Add ${props.keyLabel.toLowerCase()}`}
        </button>
      )}
    </fieldset>
  );
}
