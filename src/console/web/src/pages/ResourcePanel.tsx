/** A resource: its methods, a child resource to create, a method to add, Enable CORS, delete. */
import { useState } from 'preact/hooks';
import { ErrorAlert } from '../components/Alert.js';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { Field } from '../components/Field.js';
import { Link } from '../components/Link.js';
import { sortedVerbs } from '../components/ResourceTree.js';
import { apigateway, type Resource } from '../clients/apigateway.js';
import { useAction } from '../lib/hooks.js';
import { href, navigate } from '../router.js';
import { CorsForm } from './CorsForm.js';

const VERBS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'ANY'];

export function ResourcePanel({ apiId, resource, onChanged }: { apiId: string; resource: Resource; onChanged: () => void }) {
  const [pathPart, setPathPart] = useState('');
  const [verb, setVerb] = useState(VERBS.find((v) => !(v in (resource.resourceMethods ?? {}))) ?? 'GET');
  const [cors, setCors] = useState(false);
  const action = useAction();
  const verbs = sortedVerbs(resource);

  const createResource = async (e: Event): Promise<void> => {
    e.preventDefault();
    let created: Resource | undefined;
    if (await action.run(async () => (created = await apigateway.createResource(apiId, resource.id, pathPart.trim())))) {
      setPathPart('');
      onChanged();
      navigate(href('apis', apiId, 'resources', created!.id));
    }
  };
  const createMethod = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (await action.run(() => apigateway.putMethod(apiId, resource.id, verb, { authorizationType: 'NONE' }))) {
      onChanged();
      navigate(href('apis', apiId, 'resources', resource.id, verb));
    }
  };

  return (
    <section class="card" aria-labelledby="resource-title">
      <div class="row spread">
        <h2 id="resource-title" class="card-title mono">
          {resource.path}
        </h2>
        <div class="actions">
          <button type="button" class="secondary" aria-expanded={cors} onClick={() => setCors(!cors)}>
            Enable CORS
          </button>
          {resource.path !== '/' ? (
            <ConfirmButton
              label="Delete resource"
              disabled={action.busy}
              onConfirm={() =>
                void action.run(() => apigateway.deleteResource(apiId, resource.id)).then((ok) => {
                  if (!ok) return;
                  onChanged();
                  navigate(href('apis', apiId));
                })
              }
            />
          ) : null}
        </div>
      </div>
      {cors ? <CorsForm apiId={apiId} resource={resource} onDone={onChanged} /> : null}
      <p class="small muted">
        Resource ID <span class="mono">{resource.id}</span>
      </p>
      <h3>Methods</h3>
      {verbs.length === 0 ? (
        <p class="muted">No methods on this resource yet.</p>
      ) : (
        <ul class="inline-list">
          {verbs.map((v) => (
            <li>
              <Link href={href('apis', apiId, 'resources', resource.id, v)}>
                <span class={`verb verb-${v.toLowerCase()}`}>{v}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      <div class="grid-2">
        <form onSubmit={createMethod} aria-label="Create method">
          <h3>Create method</h3>
          <div class="row wrap">
            <Field label="HTTP method">
              {(id) => (
                <select id={id} value={verb} onChange={(e) => setVerb((e.currentTarget as HTMLSelectElement).value)}>
                  {VERBS.map((v) => (
                    <option value={v} disabled={verbs.includes(v)}>
                      {v}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <button type="submit" class="primary" disabled={action.busy || verbs.includes(verb)}>
              Create method
            </button>
          </div>
        </form>
        <form onSubmit={createResource} aria-label="Create child resource">
          <h3>Create child resource</h3>
          <div class="row wrap">
            <Field label="Resource path part" hint="A name, or {param} for a path variable, or {param+} for a greedy one.">
              {(id, hint) => (
                <input id={id} required aria-describedby={hint} value={pathPart} placeholder="streams" onInput={(e) => setPathPart((e.currentTarget as HTMLInputElement).value)} />
              )}
            </Field>
            <button type="submit" class="secondary" disabled={action.busy || pathPart.trim() === ''}>
              Create resource
            </button>
          </div>
        </form>
      </div>
      <ErrorAlert error={action.error} />
    </section>
  );
}
