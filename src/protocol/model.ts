/**
 * The subset of a botocore/Smithy service model (`service-2.json`) that the
 * protocol layer reads. The models are vendored in /models, stripped of docs.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface MemberRef {
  readonly shape: string;
  readonly location?: string;
  readonly locationName?: string;
}

export type Shape =
  | { type: 'structure'; members: Record<string, MemberRef>; required?: string[]; exception?: boolean; error?: { httpStatusCode?: number } }
  | { type: 'list'; member: MemberRef; min?: number; max?: number }
  | { type: 'map'; key: MemberRef; value: MemberRef; min?: number; max?: number }
  | { type: 'string'; min?: number; max?: number; pattern?: string; enum?: string[] }
  | { type: 'blob'; min?: number; max?: number; streaming?: boolean }
  | { type: 'integer' | 'long'; min?: number; max?: number; box?: boolean }
  | { type: 'double' | 'float'; min?: number; max?: number }
  | { type: 'boolean' }
  | { type: 'timestamp'; timestampFormat?: string };

export interface Operation {
  readonly name: string;
  readonly http: { method: string; requestUri: string; responseCode?: number };
  readonly input?: { shape: string };
  readonly output?: { shape: string };
  readonly errors?: Array<{ shape: string }>;
}

export interface ServiceModel {
  readonly metadata: { targetPrefix?: string; protocol: string; jsonVersion?: string; endpointPrefix: string; apiVersion: string };
  readonly operations: Record<string, Operation>;
  readonly shapes: Record<string, Shape>;
}

const modelsDir = fileURLToPath(new URL('../../../models/', import.meta.url));

export function loadServiceModel(file: string): ServiceModel {
  return JSON.parse(readFileSync(modelsDir + file, 'utf8')) as ServiceModel;
}
