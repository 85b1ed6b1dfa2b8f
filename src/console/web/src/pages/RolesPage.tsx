/** IAM roles: list and create (with API Gateway's trust policy as the default). */
import { useState } from 'preact/hooks';
import { ErrorAlert, Loading } from '../components/Alert.js';
import { Field } from '../components/Field.js';
import { JsonEditor, jsonProblem } from '../components/JsonEditor.js';
import { PageHeader } from '../components/Layout.js';
import { Link } from '../components/Link.js';
import { iam } from '../clients/iam.js';
import { useAction, useAsync } from '../lib/hooks.js';
import { href, navigate } from '../router.js';

export const APIGATEWAY_TRUST = JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  },
  null,
  2,
);

export function RolesPage() {
  const roles = useAsync(() => iam.listRoles(), []);
  const [creating, setCreating] = useState(false);
  return (
    <section>
      <PageHeader
        title="IAM roles"
        actions={
          <button type="button" class="primary" aria-expanded={creating} onClick={() => setCreating(!creating)}>
            Create role
          </button>
        }
      />
      {creating ? <CreateRoleForm /> : null}
      <ErrorAlert error={roles.error} title="Could not list roles" />
      {roles.data === undefined ? (
        roles.loading ? <Loading what="roles" /> : null
      ) : roles.data.length === 0 ? (
        <p class="muted">No roles.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Roles</caption>
            <thead>
              <tr>
                <th scope="col">Role name</th>
                <th scope="col">ARN</th>
                <th scope="col">Trusted entities</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {roles.data.map((r) => (
                <tr>
                  <th scope="row">
                    <Link href={href('iam', 'roles', r.RoleName)}>{r.RoleName}</Link>
                  </th>
                  <td class="mono small">{r.Arn}</td>
                  <td class="small">{trusted(r.AssumeRolePolicyDocument)}</td>
                  <td class="nowrap small">{r.CreateDate}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** "apigateway.amazonaws.com, arn:aws:iam::…" from a trust policy's principals. */
function trusted(doc: string | undefined): string {
  if (!doc) return '—';
  try {
    const policy = JSON.parse(doc) as { Statement?: unknown };
    const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
    const out: string[] = [];
    for (const s of statements as { Principal?: unknown }[]) {
      const p = s?.Principal;
      if (typeof p === 'string') out.push(p);
      else if (p && typeof p === 'object') for (const v of Object.values(p)) out.push(...(Array.isArray(v) ? v : [v]).map(String));
    }
    return out.join(', ') || '—';
  } catch {
    return '—';
  }
}

function CreateRoleForm() {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [trust, setTrust] = useState(APIGATEWAY_TRUST);
  const action = useAction();
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (await action.run(() => iam.createRole(name.trim(), trust, description.trim()))) navigate(href('iam', 'roles', name.trim()));
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="create-role-title">
      <h2 id="create-role-title" class="card-title">
        Create role
      </h2>
      <div class="row wrap">
        <Field label="Role name">{(id) => <input id={id} required pattern="[\w+=,.@\-]{1,64}" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />}</Field>
        <Field label="Description">{(id) => <input id={id} class="wide" value={description} onInput={(e) => setDescription((e.currentTarget as HTMLInputElement).value)} />}</Field>
      </div>
      <JsonEditor label="Trust policy" value={trust} onChange={setTrust} rows={10} />
      <button type="submit" class="primary" disabled={action.busy || !name.trim() || jsonProblem(trust) !== undefined}>
        Create role
      </button>
      <ErrorAlert error={action.error} title="Could not create the role" />
    </form>
  );
}
