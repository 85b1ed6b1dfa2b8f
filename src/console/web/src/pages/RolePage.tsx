/** One IAM role: trust policy, inline policies and attached managed policies, read and edit. */
import { useState } from 'preact/hooks';
import { ErrorAlert, Loading, Notice } from '../components/Alert.js';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { CopyField } from '../components/CopyField.js';
import { Field } from '../components/Field.js';
import { JsonEditor, jsonProblem } from '../components/JsonEditor.js';
import { PageHeader } from '../components/Layout.js';
import { TableHead } from '../components/TableHead.js';
import { iam } from '../clients/iam.js';
import { useAction, useAsync } from '../lib/hooks.js';
import { href, navigate } from '../router.js';

const KINESIS_FULL = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kinesis:*', Resource: '*' }] }, null, 2);

export function RolePage({ name }: { name: string }) {
  const role = useAsync(() => iam.getRole(name), [name]);
  const del = useAction();
  return (
    <section>
      <PageHeader
        title={name}
        crumbs={[{ label: 'IAM roles', href: href('iam', 'roles') }]}
        actions={
          <ConfirmButton
            label="Delete role"
            onConfirm={() => void del.run(() => iam.deleteRole(name)).then((ok) => ok && navigate(href('iam', 'roles')))}
          />
        }
      />
      <ErrorAlert error={del.error} title="Could not delete the role" />
      <ErrorAlert error={role.error} title="Could not load the role" />
      {role.data ? (
        <div class="card">
          {role.data.Description ? <p>{role.data.Description}</p> : null}
          <CopyField label="Role ARN" value={role.data.Arn} />
          <dl class="facts">
            <div>
              <dt>Role ID</dt>
              <dd class="mono">{role.data.RoleId}</dd>
            </div>
            <div>
              <dt>Path</dt>
              <dd class="mono">{role.data.Path}</dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd>{role.data.CreateDate}</dd>
            </div>
            <div>
              <dt>Max session</dt>
              <dd>{role.data.MaxSessionDuration ? `${role.data.MaxSessionDuration / 3600} h` : '—'}</dd>
            </div>
          </dl>
          <TrustPolicy name={name} document={role.data.AssumeRolePolicyDocument ?? ''} onSaved={role.reload} />
        </div>
      ) : role.loading ? (
        <Loading what="the role" />
      ) : null}
      <InlinePolicies role={name} />
      <AttachedPolicies role={name} />
    </section>
  );
}

function TrustPolicy({ name, document, onSaved }: { name: string; document: string; onSaved: () => void }) {
  const [text, setText] = useState(document);
  const [saved, setSaved] = useState(false);
  const save = useAction();
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setSaved(false);
    if (await save.run(() => iam.updateAssumeRolePolicy(name, text))) {
      setSaved(true);
      onSaved();
    }
  };
  return (
    <form onSubmit={submit} aria-labelledby="trust-title">
      <h2 id="trust-title" class="card-title">
        Trust policy
      </h2>
      <JsonEditor label="Who may assume this role" value={text} onChange={setText} rows={10} />
      <button type="submit" class="secondary" disabled={save.busy || text === document || jsonProblem(text) !== undefined}>
        Save trust policy
      </button>
      <ErrorAlert error={save.error} title="UpdateAssumeRolePolicy failed" />
      {saved ? <Notice kind="success">Saved.</Notice> : null}
    </form>
  );
}

function InlinePolicies({ role }: { role: string }) {
  const names = useAsync(() => iam.listRolePolicies(role), [role]);
  const [newName, setNewName] = useState('');
  const [newDoc, setNewDoc] = useState(KINESIS_FULL);
  const [added, setAdded] = useState(0);
  const add = useAction();
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (await add.run(() => iam.putRolePolicy(role, newName.trim(), newDoc))) {
      setNewName('');
      setNewDoc(KINESIS_FULL);
      setAdded(added + 1);
      names.reload();
    }
  };
  return (
    <section class="card" aria-labelledby="inline-title">
      <h2 id="inline-title" class="card-title">
        Inline policies
      </h2>
      <ErrorAlert error={names.error} title="Could not list inline policies" />
      {names.data?.length === 0 ? <p class="muted">None.</p> : null}
      {names.data?.map((p) => (
        <InlinePolicy key={p} role={role} name={p} onDeleted={names.reload} />
      ))}
      <details key={added}>
        <summary>Add an inline policy</summary>
        <form onSubmit={submit} aria-label="Add an inline policy">
          <Field label="Policy name">{(id) => <input id={id} required value={newName} onInput={(e) => setNewName((e.currentTarget as HTMLInputElement).value)} />}</Field>
          <JsonEditor label="Policy document" value={newDoc} onChange={setNewDoc} rows={8} />
          <button type="submit" class="primary" disabled={add.busy || !newName.trim() || jsonProblem(newDoc) !== undefined}>
            Add policy
          </button>
          <ErrorAlert error={add.error} title="PutRolePolicy failed" />
        </form>
      </details>
    </section>
  );
}

function InlinePolicy({ role, name, onDeleted }: { role: string; name: string; onDeleted: () => void }) {
  const doc = useAsync(() => iam.getRolePolicy(role, name), [role, name]);
  const [text, setText] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const value = text ?? doc.data ?? '';
  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    setSaved(false);
    if (await action.run(() => iam.putRolePolicy(role, name, value))) {
      setSaved(true);
      doc.reload();
      setText(undefined);
    }
  };
  return (
    <form class="policy" onSubmit={save} aria-label={`Inline policy ${name}`}>
      <div class="row spread">
        <h3>{name}</h3>
        <ConfirmButton label="Delete policy" onConfirm={() => void action.run(() => iam.deleteRolePolicy(role, name)).then((ok) => ok && onDeleted())} />
      </div>
      <ErrorAlert error={doc.error} />
      {doc.data !== undefined ? <JsonEditor label={`Document of ${name}`} value={value} onChange={setText} rows={8} /> : <Loading what="the policy" />}
      <button type="submit" class="secondary" disabled={action.busy || text === undefined || text === doc.data || jsonProblem(value) !== undefined}>
        Save {name}
      </button>
      <ErrorAlert error={action.error} />
      {saved ? <Notice kind="success">Saved.</Notice> : null}
    </form>
  );
}

function AttachedPolicies({ role }: { role: string }) {
  const attached = useAsync(() => iam.listAttachedRolePolicies(role), [role]);
  const [arn, setArn] = useState('arn:aws:iam::aws:policy/AmazonKinesisFullAccess');
  const [open, setOpen] = useState<string>();
  const action = useAction();
  const doc = useAsync(() => (open ? iam.getPolicyDocument(open) : Promise.resolve('')), [open]);
  const attach = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (await action.run(() => iam.attachRolePolicy(role, arn.trim()))) attached.reload();
  };
  return (
    <section class="card" aria-labelledby="attached-title">
      <h2 id="attached-title" class="card-title">
        Attached managed policies
      </h2>
      <ErrorAlert error={attached.error} title="Could not list attached policies" />
      <ErrorAlert error={action.error} />
      {attached.data?.length === 0 ? <p class="muted">None.</p> : null}
      {attached.data?.length ? (
        <table class="compact">
          <TableHead columns={['Policy', 'ARN']} />
          <tbody>
            {attached.data.map((p) => (
              <tr>
                <th scope="row">{p.PolicyName}</th>
                <td class="mono small">{p.PolicyArn}</td>
                <td class="actions">
                  <button type="button" class="secondary small" aria-expanded={open === p.PolicyArn} onClick={() => setOpen(open === p.PolicyArn ? undefined : p.PolicyArn)}>
                    {open === p.PolicyArn ? 'Hide' : 'View'}
                  </button>
                  <ConfirmButton small label="Detach" onConfirm={() => void action.run(() => iam.detachRolePolicy(role, p.PolicyArn)).then(attached.reload)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {open ? (
        <>
          <ErrorAlert error={doc.error} />
          {doc.data ? <JsonEditor label={`Document of ${open}`} value={doc.data} readOnly rows={10} /> : <Loading what="the policy document" />}
        </>
      ) : null}
      <form class="row wrap" onSubmit={attach} aria-label="Attach a managed policy">
        <Field label="Policy ARN">
          {(id) => (
            <>
              <input id={id} class="wide mono" list={`${id}-known`} value={arn} onInput={(e) => setArn((e.currentTarget as HTMLInputElement).value)} />
              <datalist id={`${id}-known`}>
                <option value="arn:aws:iam::aws:policy/AmazonKinesisFullAccess" />
                <option value="arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess" />
              </datalist>
            </>
          )}
        </Field>
        <button type="submit" class="secondary" disabled={action.busy || !arn.trim()}>
          Attach policy
        </button>
      </form>
    </section>
  );
}
