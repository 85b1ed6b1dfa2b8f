/** Specification of `sluice lint`: which template problems are found, and how they are located. */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatProblems, lintApiDefinition, lintFile } from './index.js';

function api(requestTemplate: string, responseTemplate = '{}'): unknown {
  return {
    openapi: '3.0.0',
    paths: {
      '/streams/{stream-name}': {
        post: {
          'x-amazon-apigateway-integration': {
            type: 'aws',
            requestTemplates: { 'application/json': requestTemplate },
            responses: { '4\\d{2}': { statusCode: '400', responseTemplates: { 'application/json': responseTemplate } } },
          },
        },
      },
    },
  };
}

describe('lintApiDefinition', () => {
  it('finds nothing wrong in a correct definition', () => {
    assert.deepEqual(lintApiDefinition(api('{"StreamName": "$input.params(\'stream-name\')"}')), []);
  });
  it('locates a syntax error: path, method, request/response, status, content type, line:column', () => {
    const [p, ...rest] = lintApiDefinition(api('{}', '{\n  #if($x\n}'));
    assert.equal(rest.length, 0);
    assert.deepEqual(
      { severity: p!.severity, path: p!.path, method: p!.method, kind: p!.kind, status: p!.status, contentType: p!.contentType, line: p!.line, column: p!.column },
      { severity: 'error', path: '/streams/{stream-name}', method: 'POST', kind: 'response', status: '4\\d{2}', contentType: 'application/json', line: 3, column: 1 },
    );
    assert.match(p!.message, /#if expects \)/);
  });
  it('reports unknown $util functions and invalid JSONPath literals as errors', () => {
    const problems = lintApiDefinition(api("$util.toJson($x) $input.path('$.a[')"));
    assert.deepEqual(problems.filter((p) => p.severity === 'error').map((p) => [p.line, p.column]), [[1, 7], [1, 30]]);
  });
  it('warns about directives API Gateway does not run and about variables never set', () => {
    const problems = lintApiDefinition(api('#macro(m)x#end#m() #evaluate($s)\n$elem.data'));
    assert.deepEqual(problems.map((p) => p.severity), ['warning', 'warning', 'warning', 'warning']);
    assert.match(problems.map((p) => p.message).join('\n'), /#macro[\s\S]*macros are not supported[\s\S]*#evaluate[\s\S]*\$elem is never set/);
  });
  it('walks Swagger 2.0 definitions and gateway responses too', () => {
    const doc = {
      swagger: '2.0',
      paths: { '/a': { get: { 'x-amazon-apigateway-integration': { requestTemplates: { 'application/json': '#end' } } } } },
      'x-amazon-apigateway-gateway-responses': { DEFAULT_4XX: { responseTemplates: { 'application/json': '{"message":$context.error.messageString}' } } },
    };
    const problems = lintApiDefinition(doc);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.method, 'GET');
  });
});

describe('lintFile and formatProblems', () => {
  it('reads JSON and YAML files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vtl-lint-'));
    const yamlPath = join(dir, 'api.yaml');
    await writeFile(yamlPath, [
      'openapi: 3.0.0',
      'paths:',
      '  /x:',
      '    put:',
      '      x-amazon-apigateway-integration:',
      '        requestTemplates:',
      '          application/json: |',
      '            {',
      '              "a": #foreach($i in [1,2])$i',
      '            }',
    ].join('\n'));
    const problems = await lintFile(yamlPath);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.line, 2);
    const jsonPath = join(dir, 'api.json');
    await writeFile(jsonPath, JSON.stringify(api('ok')));
    assert.deepEqual(await lintFile(jsonPath), []);
    await writeFile(jsonPath, '{ not json');
    assert.equal((await lintFile(jsonPath))[0]!.kind, 'document');
  });
  it('formats each problem with its location and a caret under the column', () => {
    const text = formatProblems(lintApiDefinition(api('{\n  "a": $util.nope()\n}')));
    assert.equal(text, [
      'error: POST /streams/{stream-name} request template [application/json] 2:14: $util.nope() does not exist in API Gateway (available: escapeJavaScript, urlEncode, urlDecode, base64Encode, base64Decode, parseJson); it renders as empty text',
      '      "a": $util.nope()',
      '                 ^',
      '1 error, 0 warnings',
    ].join('\n'));
    assert.equal(formatProblems([]), 'No problems found.');
  });
});
