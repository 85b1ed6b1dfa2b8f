/**
 * The Test pane (TestInvokeMethod): path variables, query string, headers, stage variables and
 * body go in; status, latency, response headers, body and the full execution log come back.
 */
import { useState } from 'preact/hooks';
import { ErrorAlert } from '../../components/Alert.js';
import { Field } from '../../components/Field.js';
import { MapEditor } from '../../components/MapEditor.js';
import { apigateway, type Method, type Resource, type TestInvokeOutput } from '../../clients/apigateway.js';
import { prettyIfJson } from '../../lib/format.js';
import { useAction } from '../../lib/hooks.js';

/** `{name}` and `{name+}` in a resource path. */
export function pathVariables(path: string): string[] {
  return [...path.matchAll(/\{([^}]+?)\+?\}/g)].map((m) => m[1]!);
}

export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{([^}]+?)(\+?)\}/g, (_, name: string, greedy: string) =>
    greedy ? (values[name] ?? '').split('/').map(encodeURIComponent).join('/') : encodeURIComponent(values[name] ?? ''),
  );
}

/** "Name: value" lines; the same name twice becomes a multi-value header. */
export function parseHeaderLines(text: string): { headers: Record<string, string>; multi: Record<string, string[]>; bad: string[] } {
  const headers: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  const bad: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const i = line.indexOf(':');
    if (i <= 0) {
      bad.push(line);
      continue;
    }
    const name = line.slice(0, i).trim();
    const value = line.slice(i + 1).trim();
    (multi[name] ??= []).push(value);
    headers[name] = multi[name]!.join(',');
  }
  return { headers, multi, bad };
}

export function TestPane({ apiId, resource, verb, method }: { apiId: string; resource: Resource; verb: string; method: Method }) {
  const vars = pathVariables(resource.path);
  const [pathValues, setPathValues] = useState<Record<string, string>>({});
  const [query, setQuery] = useState('');
  const [headerText, setHeaderText] = useState('');
  const [stageVariables, setStageVariables] = useState<Record<string, string>>({});
  const [body, setBody] = useState('');
  const [result, setResult] = useState<TestInvokeOutput>();
  const action = useAction();
  const parsed = parseHeaderLines(headerText);
  const declared = Object.keys(method.requestParameters ?? {});
  const hint = (kind: string): string[] => declared.filter((p) => p.startsWith(`method.request.${kind}.`)).map((p) => p.slice(`method.request.${kind}.`.length));

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const q = query.trim().replace(/^\?/, '');
    const pathWithQueryString = fillPath(resource.path, pathValues) + (q ? `?${q}` : '');
    await action.run(async () =>
      setResult(
        await apigateway.testInvokeMethod(apiId, resource.id, verb, {
          pathWithQueryString,
          ...(body !== '' ? { body } : {}),
          headers: parsed.headers,
          multiValueHeaders: parsed.multi,
          ...(Object.keys(stageVariables).length ? { stageVariables } : {}),
        }),
      ),
    );
  };

  const queryHint = hint('querystring');
  const headerHint = hint('header');
  return (
    <div class="test-pane">
      <form onSubmit={submit} aria-label={`Test ${verb} ${resource.path}`}>
        <p class="muted small">
          Runs the method through its integration without a deployment (TestInvokeMethod) and shows the execution log.
        </p>
        {vars.length > 0 ? (
          <fieldset>
            <legend>Path</legend>
            <div class="row wrap">
              {vars.map((v) => (
                <Field label={`{${v}}`}>
                  {(id) => <input id={id} value={pathValues[v] ?? ''} onInput={(e) => setPathValues({ ...pathValues, [v]: (e.currentTarget as HTMLInputElement).value })} />}
                </Field>
              ))}
            </div>
          </fieldset>
        ) : null}
        <Field label="Query strings" hint={queryHint.length ? `Declared: ${queryHint.join(', ')}. Write name=value&name2=value2.` : 'Write name=value&name2=value2.'}>
          {(id, h) => <input id={id} class="wide mono" aria-describedby={h} value={query} placeholder="shard-id=shardId-000000000000" onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} />}
        </Field>
        <Field label="Headers" hint={`One "Name: value" per line.${headerHint.length ? ` Declared: ${headerHint.join(', ')}.` : ''}`}>
          {(id, h) => (
            <textarea id={id} class="code" rows={3} spellcheck={false} aria-describedby={h} value={headerText} placeholder="Content-Type: application/json" onInput={(e) => setHeaderText((e.currentTarget as HTMLTextAreaElement).value)} />
          )}
        </Field>
        {parsed.bad.length > 0 ? <p class="problem problem-error small">Not a header line: {parsed.bad.join(' | ')}</p> : null}
        <details>
          <summary>Stage variables</summary>
          <MapEditor label="Stage variables" keyLabel="Name" valueLabel="Value" addLabel="Add stage variable" value={stageVariables} onChange={setStageVariables} />
        </details>
        <Field label="Request body">
          {(id) => <textarea id={id} class="code" rows={6} spellcheck={false} value={body} onInput={(e) => setBody((e.currentTarget as HTMLTextAreaElement).value)} />}
        </Field>
        <button type="submit" class="primary" disabled={action.busy}>
          {action.busy ? 'Testing…' : 'Test'}
        </button>
      </form>
      <ErrorAlert error={action.error} title="TestInvokeMethod failed" />
      {result ? <TestResult result={result} /> : null}
    </div>
  );
}

function TestResult({ result }: { result: TestInvokeOutput }) {
  const headers = Object.entries(result.multiValueHeaders ?? {}).length
    ? Object.entries(result.multiValueHeaders ?? {}).map(([k, v]) => [k, v.join(', ')] as const)
    : Object.entries(result.headers ?? {});
  return (
    <section class="test-result" aria-labelledby="test-result-title" aria-live="polite">
      <h3 id="test-result-title">Response</h3>
      <dl class="facts">
        <div>
          <dt>Status</dt>
          <dd>
            <span class={`badge ${result.status < 400 ? 'status-active' : 'status-error'}`} data-testid="test-status">
              {result.status}
            </span>
          </dd>
        </div>
        <div>
          <dt>Latency</dt>
          <dd>{result.latency ?? '—'} ms</dd>
        </div>
      </dl>
      <h4>Response body</h4>
      <pre class="output" aria-label="Response body" data-testid="test-body">
        {result.body ? prettyIfJson(result.body) : '(empty)'}
      </pre>
      <h4>Response headers</h4>
      {headers.length ? (
        <table class="compact">
          <tbody>
            {headers.map(([k, v]) => (
              <tr>
                <th scope="row" class="mono">
                  {k}
                </th>
                <td class="mono">{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">None.</p>
      )}
      <h4>Execution log</h4>
      <pre class="output log" aria-label="Execution log" tabIndex={0}>
        {result.log ?? '(no log)'}
      </pre>
    </section>
  );
}
