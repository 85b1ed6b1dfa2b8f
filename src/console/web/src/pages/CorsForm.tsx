/**
 * The "Enable CORS" form of a resource: which methods, the Access-Control-Allow-* values and the
 * gateway responses to cover. On save it reads the resource's methods afresh, plans the
 * management calls (lib/cors.ts) and makes them one by one, listing each as it is done.
 */
import { useState } from 'preact/hooks';
import { ErrorAlert, Notice } from '../components/Alert.js';
import { Field } from '../components/Field.js';
import { sortedVerbs } from '../components/ResourceTree.js';
import { apigateway, type GatewayResponse, type Method, type Resource } from '../clients/apigateway.js';
import { CORS_GATEWAY_RESPONSES, DEFAULT_ALLOW_HEADERS, DEFAULT_ALLOW_ORIGIN, planCors, type CorsCall, type CorsPlan } from '../lib/cors.js';
import { useAction } from '../lib/hooks.js';

function run(apiId: string, resourceId: string, c: CorsCall): Promise<unknown> {
  switch (c.kind) {
    case 'putMethod':
      return apigateway.putMethod(apiId, resourceId, c.verb, c.input);
    case 'putMethodResponse':
      return apigateway.putMethodResponse(apiId, resourceId, c.verb, c.status, c.input);
    case 'updateMethodResponse':
      return apigateway.updateMethodResponse(apiId, resourceId, c.verb, c.status, c.ops);
    case 'putIntegration':
      return apigateway.putIntegration(apiId, resourceId, c.verb, c.input);
    case 'putIntegrationResponse':
      return apigateway.putIntegrationResponse(apiId, resourceId, c.verb, c.status, c.input);
    case 'updateIntegrationResponse':
      return apigateway.updateIntegrationResponse(apiId, resourceId, c.verb, c.status, c.ops);
    case 'putGatewayResponse':
      return apigateway.putGatewayResponse(apiId, c.type, c.input);
  }
}

const GATEWAY_LABELS: Record<string, string> = { DEFAULT_4XX: 'Default 4XX', DEFAULT_5XX: 'Default 5XX' };

export function CorsForm({ apiId, resource, onDone }: { apiId: string; resource: Resource; onDone: () => void }) {
  const verbs = sortedVerbs(resource).filter((v) => v !== 'OPTIONS');
  const [methods, setMethods] = useState<string[]>(verbs);
  const [allowHeaders, setAllowHeaders] = useState(DEFAULT_ALLOW_HEADERS);
  const [allowOrigin, setAllowOrigin] = useState(DEFAULT_ALLOW_ORIGIN);
  const [gatewayResponses, setGatewayResponses] = useState<string[]>([]);
  const [plan, setPlan] = useState<CorsPlan>();
  const [done, setDone] = useState(0);
  const action = useAction();

  const toggle = (list: string[], set: (l: string[]) => void, item: string, on: boolean): void => set(on ? [...list, item] : list.filter((x) => x !== item));

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setPlan(undefined);
    setDone(0);
    const ok = await action.run(async () => {
      const current: Record<string, Method> = {};
      for (const verb of sortedVerbs(resource)) current[verb] = await apigateway.getMethod(apiId, resource.id, verb);
      const gateway: Record<string, GatewayResponse> = {};
      for (const type of gatewayResponses) gateway[type] = await apigateway.getGatewayResponse(apiId, type);
      const models = await apigateway.modelNames(apiId);
      const next = planCors({ methods: current, gatewayResponses: gateway, models }, { methods, allowHeaders, allowOrigin, gatewayResponses });
      setPlan(next);
      for (const [i, step] of next.steps.entries()) {
        await run(apiId, resource.id, step.call);
        setDone(i + 1);
      }
    });
    if (ok) onDone();
  };

  return (
    <form class="cors-form" onSubmit={submit} aria-labelledby="cors-title">
      <h3 id="cors-title">Enable CORS on {resource.path}</h3>
      <p class="small muted">
        Adds an OPTIONS method that answers preflight requests (a MOCK integration), and {`Access-Control-Allow-Origin`} to the chosen methods' 200
        responses. Deploy the API afterwards for a stage to use it.
      </p>
      <fieldset>
        <legend>Gateway responses</legend>
        {CORS_GATEWAY_RESPONSES.map((type) => (
          <label class="checkbox">
            <input
              type="checkbox"
              checked={gatewayResponses.includes(type)}
              onChange={(e) => toggle(gatewayResponses, setGatewayResponses, type, (e.currentTarget as HTMLInputElement).checked)}
            />{' '}
            {GATEWAY_LABELS[type]}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Access-Control-Allow-Methods</legend>
        {verbs.map((v) => (
          <label class="checkbox">
            <input type="checkbox" checked={methods.includes(v)} onChange={(e) => toggle(methods, setMethods, v, (e.currentTarget as HTMLInputElement).checked)} /> {v}
          </label>
        ))}
        <label class="checkbox">
          <input type="checkbox" checked disabled aria-describedby="cors-options-hint" /> OPTIONS
        </label>
        <small id="cors-options-hint" class="hint">
          {' '}
          OPTIONS is always included: it answers the browser's preflight request.
        </small>
      </fieldset>
      <div class="row wrap">
        <Field label="Access-Control-Allow-Headers" hint="A comma-separated list of the headers a client may send.">
          {(id, hint) => <input id={id} class="wide" required aria-describedby={hint} value={allowHeaders} onInput={(e) => setAllowHeaders((e.currentTarget as HTMLInputElement).value)} />}
        </Field>
        <Field label="Access-Control-Allow-Origin" hint="* for any origin, or one origin such as https://example.com.">
          {(id, hint) => <input id={id} required aria-describedby={hint} value={allowOrigin} onInput={(e) => setAllowOrigin((e.currentTarget as HTMLInputElement).value)} />}
        </Field>
      </div>
      <div class="row">
        <button type="submit" class="primary" disabled={action.busy}>
          Save
        </button>
      </div>
      <ErrorAlert error={action.error} title={plan ? `Stopped at step ${done + 1} of ${plan.steps.length}` : 'Could not enable CORS'} />
      {plan ? (
        <div role="status">
          {!action.busy && !action.error ? (
            <Notice kind="success">
              {plan.steps.length === 0 ? 'CORS was already enabled with these values: nothing to change.' : `CORS enabled on ${resource.path}: ${plan.steps.length} changes.`}
            </Notice>
          ) : null}
          {plan.steps.length ? (
            <ol class="small steps">
              {plan.steps.map((s, i) => (
                <li class={i < done ? 'done' : ''}>
                  {i < done ? '✓ ' : ''}
                  {s.description}
                </li>
              ))}
            </ol>
          ) : null}
          {plan.notes.length ? (
            <ul class="small muted">
              {plan.notes.map((n) => (
                <li>{n}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
