/** A method: the four boxes of method execution, or the Test pane. */
import { ErrorAlert, Loading } from '../../components/Alert.js';
import { ConfirmButton } from '../../components/ConfirmButton.js';
import { CopyField } from '../../components/CopyField.js';
import { Tabs } from '../../components/Tabs.js';
import { apigateway, invokeUrl, type Resource } from '../../clients/apigateway.js';
import { useAction, useAsync } from '../../lib/hooks.js';
import { href, navigate } from '../../router.js';
import { MethodExecution } from './MethodExecution.js';
import { TestPane } from './TestPane.js';

export function MethodPanel({ apiId, resource, verb, view, onChanged }: { apiId: string; resource: Resource; verb: string; view: 'execution' | 'test'; onChanged: () => void }) {
  const method = useAsync(() => apigateway.getMethod(apiId, resource.id, verb), [apiId, resource.id, verb]);
  const stages = useAsync(() => apigateway.getStages(apiId), [apiId]);
  const del = useAction();
  const base = href('apis', apiId, 'resources', resource.id, verb);

  return (
    <section class="card method-panel" aria-labelledby="method-title">
      <div class="row spread">
        <h2 id="method-title" class="card-title">
          <span class={`verb verb-${verb.toLowerCase()}`}>{verb}</span> <span class="mono">{resource.path}</span>
        </h2>
        <ConfirmButton
          label="Delete method"
          disabled={del.busy}
          onConfirm={() =>
            void del.run(() => apigateway.deleteMethod(apiId, resource.id, verb)).then((ok) => {
              if (!ok) return;
              onChanged();
              navigate(href('apis', apiId, 'resources', resource.id));
            })
          }
        />
      </div>
      <ErrorAlert error={del.error} title="Could not delete the method" />
      {stages.data?.map((s) => (
        <CopyField label={`Invoke URL (stage ${s.stageName})`} value={invokeUrl(apiId, s.stageName, resource.path)} />
      ))}
      <Tabs
        label="Method views"
        tabs={[
          { id: 'execution', label: 'Method execution' },
          { id: 'test', label: 'Test' },
        ]}
        selected={view}
        onSelect={(id) => navigate(id === 'test' ? `${base}/test` : base, true)}
      >
        <ErrorAlert error={method.error} title="Could not load the method" />
        {method.data === undefined ? (
          method.loading ? <Loading what="the method" /> : null
        ) : view === 'test' ? (
          <TestPane apiId={apiId} resource={resource} verb={verb} method={method.data} />
        ) : (
          <MethodExecution
            apiId={apiId}
            resource={resource}
            method={method.data}
            onChanged={() => {
              method.reload();
              onChanged();
            }}
          />
        )}
      </Tabs>
    </section>
  );
}
