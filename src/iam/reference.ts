/**
 * AWS's Service Authorization Reference for the services Sluice serves, as
 * data (models/authorization/<prefix>.json, see its README for provenance):
 * for each IAM action, the resource types it is authorized on (which are
 * required) and the condition keys it supports. Services derive what a call
 * needs from it instead of hand-writing a table per action.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ReferenceResourceRow {
  /** A resource type of the service (`role`, `stream`), or "" for the row of request condition keys. */
  readonly type: string;
  readonly required: boolean;
  readonly conditionKeys: readonly string[];
}

export interface ReferenceAction {
  readonly accessLevel: string;
  readonly resources: readonly ReferenceResourceRow[];
  readonly conditionKeys: readonly string[];
  readonly dependentActions: readonly string[];
  readonly permissionOnly?: boolean;
}

/** One IAM action an API operation is authorized by, possibly only for a condition key's values. */
export interface ReferenceOperationAction {
  readonly action: string;
  readonly conditionKey?: string;
  readonly values?: readonly string[];
}

export interface ServiceReference {
  readonly prefix: string;
  readonly serviceName: string;
  readonly source: string;
  readonly resourceTypes: Readonly<Record<string, { readonly arn: string; readonly conditionKeys: readonly string[] }>>;
  readonly actions: Readonly<Record<string, ReferenceAction>>;
  readonly operations?: Readonly<Record<string, readonly ReferenceOperationAction[]>>;
}

const dir = fileURLToPath(new URL('../../../models/authorization/', import.meta.url));
const loaded = new Map<string, ServiceReference>();

export function serviceReference(prefix: string): ServiceReference {
  let ref = loaded.get(prefix);
  if (!ref) {
    ref = JSON.parse(readFileSync(`${dir}${prefix}.json`, 'utf8')) as ServiceReference;
    loaded.set(prefix, ref);
  }
  return ref;
}

/** The resource types an action is authorized on, required ones first. */
export function resourceRows(action: ReferenceAction | undefined): readonly ReferenceResourceRow[] {
  return (action?.resources ?? []).filter((r) => r.type !== '');
}
