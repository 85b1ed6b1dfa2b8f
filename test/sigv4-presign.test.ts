/**
 * Presigned (query-string) SigV4 over the wire: URLs presigned by botocore
 * and by the AWS SDK for JavaScript's signer verify, with session tokens;
 * altering them or letting them expire is refused as AWS refuses it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import * as S from '@aws-sdk/client-sts';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Sluice } from '../src/server/app.js';
import { awsEnv, startTestSluice, testCredentials } from './helpers/sluice.js';

const run = promisify(execFile);
let sluice: Sluice;

before(async () => {
  sluice = await startTestSluice({ auth: 'sigv4', rootAccessKeyId: testCredentials.accessKeyId, rootSecretAccessKey: testCredentials.secretAccessKey });
});
after(() => sluice.close());

/** Presigned for GET, the method it is fetched with (botocore signs the operation's POST otherwise). */
async function presignWithBotocore(expiresIn: number): Promise<string> {
  const script = `
import boto3, sys
print(boto3.client('sts', endpoint_url=sys.argv[1]).generate_presigned_url('get_caller_identity', ExpiresIn=int(sys.argv[2]), HttpMethod='GET'))
`;
  return (await run('python3', ['-c', script, sluice.url, String(expiresIn)], { env: awsEnv(sluice.url) })).stdout.trim();
}

async function presignWithSdk(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, expiresIn = 300): Promise<string> {
  const url = new URL(sluice.url);
  const signer = new SignatureV4({ credentials, region: 'us-east-1', service: 'sts', sha256: Sha256 });
  const req = await signer.presign(
    {
      method: 'GET',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: url.host },
    },
    { expiresIn },
  );
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query ?? {})) q.append(k, String(v));
  return `${sluice.url}/?${q.toString().replace(/\+/g, '%20')}`;
}

const get = async (url: string): Promise<{ status: number; text: string }> => {
  const res = await fetch(url);
  return { status: res.status, text: await res.text() };
};

describe('presigned URLs', () => {
  it('botocore presigns GetCallerIdentity; it verifies', async () => {
    const url = await presignWithBotocore(300);
    assert.match(url, /X-Amz-Signature=/);
    const r = await get(url);
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /<Arn>arn:aws:iam::000000000000:root<\/Arn>/);
  });

  it('the JavaScript signer presigns, with a session token', async () => {
    const sts = new S.STSClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
    const c = (await sts.send(new S.GetSessionTokenCommand({ DurationSeconds: 900 }))).Credentials!;
    sts.destroy();
    const r = await get(await presignWithSdk({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! }));
    assert.equal(r.status, 200, r.text);
  });

  it('refuses an altered URL', async () => {
    const url = await presignWithSdk(testCredentials);
    const r = await get(url.replace('Version=2011-06-15', 'Version=2011-06-15&Extra=1'));
    assert.equal(r.status, 403);
    assert.match(r.text, /<Code>SignatureDoesNotMatch<\/Code><Message>The request signature we calculated does not match the signature you provided\./);
  });

  it('refuses an expired URL', async () => {
    const url = await presignWithBotocore(1);
    await new Promise((r) => setTimeout(r, 2100));
    const r = await get(url);
    assert.equal(r.status, 403);
    assert.match(r.text, /<Code>SignatureDoesNotMatch<\/Code><Message>Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 1 sec\.\)<\/Message>/);
  });

  it('refuses a URL missing part of its signature', async () => {
    const url = (await presignWithSdk(testCredentials)).replace(/&X-Amz-Signature=[0-9a-f]+/, '');
    const r = await get(url);
    assert.equal(r.status, 400);
    assert.match(r.text, /<Code>IncompleteSignature<\/Code><Message>AWS query-string parameters must include 'X-Amz-Signature'\. Re-examine the query-string parameters\.<\/Message>/);
  });
});
