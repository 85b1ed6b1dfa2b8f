/** A JSON document editor (IAM policies) that says where the JSON is broken. */
import { useId, useMemo } from 'preact/hooks';
import { checkJson } from '../lib/json-check.js';

/** "line:column message" when the text is not JSON. */
export function jsonProblem(text: string): string | undefined {
  const p = checkJson(text);
  return p ? `${p.line}:${p.column} ${p.message}` : undefined;
}

export function JsonEditor({ label, value, onChange, rows = 14, readOnly }: { label: string; value: string; onChange?: (v: string) => void; rows?: number; readOnly?: boolean }) {
  const id = useId();
  const problem = useMemo(() => (readOnly ? undefined : jsonProblem(value)), [value, readOnly]);
  return (
    <div class="json-editor">
      <label for={id}>{label}</label>
      <textarea
        id={id}
        class={`code${problem ? ' invalid' : ''}`}
        rows={rows}
        spellcheck={false}
        readOnly={readOnly}
        value={value}
        aria-invalid={problem !== undefined}
        aria-describedby={`${id}-problem`}
        onInput={(e) => onChange?.((e.currentTarget as HTMLTextAreaElement).value)}
      />
      <p id={`${id}-problem`} class={problem ? 'problem problem-error small' : 'sr-quiet small'} aria-live="polite">
        {problem ? `Not valid JSON: ${problem}` : readOnly ? '' : 'Valid JSON.'}
      </p>
    </div>
  );
}
