/**
 * A mapping-template (VTL) editor: line numbers, and the linter's problems with line:column
 * as you type. Lines with an error are marked in the gutter; a problem can be clicked to jump there.
 */
import { useId, useMemo, useRef } from 'preact/hooks';
import { useDebounced } from '../lib/hooks.js';
import { lintMappingTemplate, type TemplateKind } from '../lib/vtl-lint.js';

export function TemplateEditor({ label, value, onChange, kind, rows = 12 }: { label: string; value: string; onChange: (v: string) => void; kind: TemplateKind; rows?: number }) {
  const id = useId();
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const checked = useDebounced(value, 120);
  const problems = useMemo(() => lintMappingTemplate(checked, kind), [checked, kind]);
  const errors = problems.filter((p) => p.severity === 'error');
  const errorLines = new Set(errors.map((p) => p.line));
  const warningLines = new Set(problems.filter((p) => p.severity === 'warning').map((p) => p.line));
  const lineCount = Math.max(value.split('\n').length, rows);

  const jump = (line: number, column: number): void => {
    const el = area.current;
    if (!el) return;
    const lines = el.value.split('\n');
    let offset = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i]!.length + 1;
    offset += column - 1;
    el.focus();
    el.setSelectionRange(offset, offset);
  };

  return (
    <div class="template-editor">
      <label for={id}>{label}</label>
      <div class={`code-area${errors.length > 0 ? ' invalid' : ''}`}>
        <div class="gutter" ref={gutter} aria-hidden="true">
          {Array.from({ length: lineCount }, (_, i) => (
            <div class={errorLines.has(i + 1) ? 'gutter-error' : warningLines.has(i + 1) ? 'gutter-warning' : ''}>{i + 1}</div>
          ))}
        </div>
        <textarea
          id={id}
          ref={area}
          rows={rows}
          spellcheck={false}
          autocomplete="off"
          wrap="off"
          value={value}
          aria-invalid={errors.length > 0}
          aria-describedby={`${id}-problems`}
          onInput={(e) => onChange((e.currentTarget as HTMLTextAreaElement).value)}
          onScroll={(e) => {
            if (gutter.current) gutter.current.scrollTop = (e.currentTarget as HTMLTextAreaElement).scrollTop;
          }}
          onKeyDown={(e) => {
            // Tab inserts two spaces; Escape then Tab leaves the editor (keyboard users are not trapped).
            if (e.key === 'Tab' && !e.shiftKey && !(e.currentTarget as HTMLTextAreaElement).dataset['escaped']) {
              e.preventDefault();
              const el = e.currentTarget as HTMLTextAreaElement;
              const { selectionStart: s, selectionEnd: t } = el;
              onChange(el.value.slice(0, s) + '  ' + el.value.slice(t));
              requestAnimationFrame(() => el.setSelectionRange(s + 2, s + 2));
            } else if (e.key === 'Escape') {
              (e.currentTarget as HTMLTextAreaElement).dataset['escaped'] = '1';
            } else {
              delete (e.currentTarget as HTMLTextAreaElement).dataset['escaped'];
            }
          }}
        />
      </div>
      <div id={`${id}-problems`} class="problems" aria-live="polite">
        {problems.length === 0 ? (
          <p class="ok small">No problems found by the VTL linter.</p>
        ) : (
          <ul>
            {problems.map((p) => (
              <li class={`problem problem-${p.severity}`}>
                <button type="button" class="link" onClick={() => jump(p.line, p.column)}>
                  <span class="where">
                    {p.line}:{p.column}
                  </span>{' '}
                  <span class="severity">{p.severity}</span> {p.message}
                </button>
                {p.excerpt ? <code class="excerpt">{p.excerpt}</code> : null}
              </li>
            ))}
          </ul>
        )}
        <p class="hint small">Tab indents; press Escape then Tab to leave the editor.</p>
      </div>
    </div>
  );
}
