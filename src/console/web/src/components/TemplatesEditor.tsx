/** The mapping templates of a request or response, one per content type. */
import { useState } from 'preact/hooks';
import type { TemplateKind } from '../lib/vtl-lint.js';
import { TemplateEditor } from './TemplateEditor.js';

export function TemplatesEditor({ value, onChange, kind, title }: { value: Record<string, string>; onChange: (v: Record<string, string>) => void; kind: TemplateKind; title: string }) {
  const types = Object.keys(value);
  const [selected, setSelected] = useState<string>(types[0] ?? '');
  const [newType, setNewType] = useState('application/json');
  const current = types.includes(selected) ? selected : (types[0] ?? '');

  return (
    <fieldset class="templates">
      <legend>{title}</legend>
      <div class="row wrap">
        {types.length > 0 ? (
          <div class="field inline">
            <label for={`ct-${kind}-${title}`}>Content-Type</label>
            <select id={`ct-${kind}-${title}`} value={current} onChange={(e) => setSelected((e.currentTarget as HTMLSelectElement).value)}>
              {types.map((t) => (
                <option value={t}>{t}</option>
              ))}
            </select>
          </div>
        ) : (
          <p class="muted small">No mapping templates.</p>
        )}
        <div class="field inline">
          <label for={`new-ct-${kind}-${title}`}>Add template for</label>
          <input id={`new-ct-${kind}-${title}`} value={newType} onInput={(e) => setNewType((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <button
          type="button"
          class="secondary small"
          disabled={newType.trim() === '' || newType.trim() in value}
          onClick={() => {
            const t = newType.trim();
            onChange({ ...value, [t]: '' });
            setSelected(t);
          }}
        >
          Add template
        </button>
        {current ? (
          <button
            type="button"
            class="link"
            onClick={() => {
              const next = { ...value };
              delete next[current];
              onChange(next);
            }}
          >
            Remove {current} template
          </button>
        ) : null}
      </div>
      {current ? (
        <TemplateEditor
          key={current}
          label={`Template for ${current}`}
          kind={kind}
          value={value[current] ?? ''}
          onChange={(text) => onChange({ ...value, [current]: text })}
        />
      ) : null}
    </fieldset>
  );
}
