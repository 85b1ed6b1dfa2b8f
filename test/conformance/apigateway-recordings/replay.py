"""
Replays scenarios.json against an API Gateway endpoint with boto3 (the client
the recordings were made with) and prints, as one JSON document, what each
recorded step answered, in the form the recordings keep: the response dict
with `ResponseMetadata` reduced to `{"HTTPHeaders": {}, "HTTPStatusCode": n}`,
dates as "datetime", JSON strings decoded, errors as botocore's
`ClientError.response`. Comparing that with recorded.json is the test's job
(test/apigateway-recordings.test.ts).

Usage: python3 replay.py scenarios.json [scenario-name-substring]
Endpoint, region and credentials come from the environment (AWS_ENDPOINT_URL...).
"""
import datetime
import json
import re
import sys
import uuid

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

# Parameter validation off: some recordings send what the model refuses, and
# a call the client would have refused never reached AWS to be recorded.
client = boto3.client("apigateway", config=Config(parameter_validation=False, retries={"max_attempts": 1}))
# A step may name another service (`"service": "iam"`): the account's setup the recorded tests
# relied on, such as the CloudWatch role API Gateway needs before a stage may log.
clients = {"apigateway": client}


def client_for(service):
    if service not in clients:
        clients[service] = boto3.client(service, config=Config(retries={"max_attempts": 1}))
    return clients[service]

TEMPLATE = re.compile(r"\$\{([A-Za-z0-9_.-]+)\}")


class Unresolved(Exception):
    pass


def lookup(saved, path):
    head, *rest = path.split(".")
    if head not in saved:
        raise Unresolved(f"${{{path}}}: no earlier step saved {head!r}")
    value = saved[head]
    for part in rest:
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def literal(reference):
    """`${stageVariables.x}` is API Gateway's own syntax, sent as it is."""
    return reference.startswith("stageVariables.")


def resolve(value, saved):
    """`${name.path}` in strings is replaced by what an earlier step saved; a whole-string reference keeps its type."""
    if isinstance(value, str):
        whole = TEMPLATE.fullmatch(value)
        if whole and not literal(whole.group(1)):
            return lookup(saved, whole.group(1))
        return TEMPLATE.sub(lambda m: m.group(0) if literal(m.group(1)) else str(lookup(saved, m.group(1))), value)
    if isinstance(value, list):
        return [resolve(v, saved) for v in value]
    if isinstance(value, dict):
        return {k: resolve(v, saved) for k, v in value.items()}
    return value


def normalise(value):
    if isinstance(value, datetime.datetime):
        return "datetime"
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k == "ResponseMetadata":
                out[k] = {"HTTPHeaders": {}, "HTTPStatusCode": v.get("HTTPStatusCode")}
            else:
                out[k] = normalise(v)
        return out
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, str) and value[:1] in ("{", "["):
        # The recordings decode strings that hold JSON objects or arrays.
        try:
            decoded = json.loads(value)
        except ValueError:
            return value
        if isinstance(decoded, (dict, list)):
            return normalise(decoded)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


DATE_IN_LOG = re.compile(r"[a-zA-Z]{3}\s[a-zA-Z]{3}\s\d{2}\s\d{2}:\d{2}:\d{2}\sUTC\s\d{4} :")


def test_invoke_view(response):
    """TestInvokeMethod answers as the recordings keep them: latency hidden, the log split into numbered lines."""
    out = dict(response)
    out["latency"] = "<latency>"
    log = DATE_IN_LOG.sub("DDD MMM dd hh:mm:ss UTC yyyy :", out.get("log", ""))
    log = re.sub(r"Integration latency: \d*? ms", "Integration latency: <latency> ms", log)
    out["log"] = {f"line{i:02d}": line for i, line in enumerate(log.split("\n"))}
    return out


def clean():
    """Each recorded test started from an account without APIs, API keys or usage plans (their fixtures deleted what they made)."""
    for api in client.get_rest_apis(limit=500)["items"]:
        client.delete_rest_api(restApiId=api["id"])
    for plan in client.get_usage_plans(limit=500)["items"]:
        client.delete_usage_plan(usagePlanId=plan["id"])
    for key in client.get_api_keys(limit=500)["items"]:
        client.delete_api_key(apiKey=key["id"])


def run(scenario):
    clean()
    saved = {"uid": uuid.uuid4().hex[:8]}
    results = {}
    problems = []
    for step in scenario["steps"]:
        try:
            params = resolve(step.get("params", {}), saved)
            value = resolve(step["value"], saved) if "value" in step else None
        except Unresolved as e:
            # An earlier step failed: this one can't be sent as recorded.
            problems.append({"call": step["call"], "unresolved": str(e)})
            continue
        if "value" in step:
            response = value
        else:
            try:
                response = getattr(client_for(step.get("service", "apigateway")), step["call"])(**params)
            except ClientError as e:
                response = e.response
            if "Error" in response:
                response = {k: v for k, v in response.items() if k in ("Error", "message", "ResponseMetadata")}
                response["Error"] = {"Code": response["Error"].get("Code"), "Message": response["Error"].get("Message")}
            elif step.get("format") == "testInvoke":
                response = test_invoke_view(response)
        if "save" in step and isinstance(response, dict) and "Error" not in response:
            saved[step["save"]] = response
        if "sort" in step and isinstance(response, dict):
            key, field = step["sort"].split(".")
            if isinstance(response.get(key), list):
                response[key] = sorted(response[key], key=lambda item: str(item.get(field)))
        if "match" in step:
            results[step["match"]] = normalise(response)
        elif isinstance(response, dict) and "Error" in response:
            problems.append({"call": step["call"], "error": response["Error"]})
    return {"results": results, "setupErrors": problems}


def main():
    scenarios = json.load(open(sys.argv[1]))
    only = sys.argv[2] if len(sys.argv) > 2 else None
    out = {}
    for scenario in scenarios:
        if only and only not in scenario["test"]:
            continue
        try:
            out[scenario["test"]] = run(scenario)
        except Exception as e:  # a scenario that can't run is reported, not fatal
            out[scenario["test"]] = {"results": {}, "setupErrors": [{"exception": repr(e)}]}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
