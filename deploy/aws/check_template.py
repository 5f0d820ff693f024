#!/usr/bin/env python3
"""Translates template.yaml with the SAM translator (what `sam deploy` does first) and checks the generated
resources carry what the bot relies on. Prints one line per problem; exit 1 on any."""
import json, sys, os
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")  # the translator asks boto for a region; no AWS call is made
import yaml
from samtranslator.translator.transform import transform
from samtranslator.public.translator import ManagedPolicyLoader

class Loader(yaml.SafeLoader): pass
def intrinsic(tag):
    def construct(loader, node):
        if isinstance(node, yaml.ScalarNode): value = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode): value = loader.construct_sequence(node, deep=True)
        else: value = loader.construct_mapping(node, deep=True)
        name = "Ref" if tag == "Ref" else "Fn::" + tag
        if tag == "GetAtt" and isinstance(value, str): value = value.split(".", 1)
        return {name: value}
    return construct
for tag in ["Ref", "Sub", "If", "Not", "Equals", "FindInMap", "GetAtt", "Join", "Select", "Split"]:
    Loader.add_constructor("!" + tag, intrinsic(tag))

class NoIAM:
    def get_policy_arn(self, name): return f"arn:aws:iam::aws:policy/{name}"
    def load(self): return {}

path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "template.yaml")
template = yaml.load(open(path), Loader=Loader)
# `sam package` / `sam deploy` upload the local CodeUri and put its S3 location here before the translator runs.
for resource in template["Resources"].values():
    if resource["Type"] == "AWS::Serverless::Function":
        resource["Properties"]["CodeUri"] = "s3://packaged-artifacts/trading-bot.zip"
params = {"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws", "AWS::StackName": "tb"}
out = transform(template, params, NoIAM())
res = out["Resources"]
problems = []
fn = next((r for r in res.values() if r["Type"] == "AWS::Lambda::Function"), None)
sched = next((r for r in res.values() if r["Type"] == "AWS::Scheduler::Schedule"), None)
eic = next((r for r in res.values() if r["Type"] == "AWS::Lambda::EventInvokeConfig"), None)
if not fn: problems.append("no AWS::Lambda::Function")
else:
    p = fn["Properties"]
    if p.get("Runtime") != "provided.al2023": problems.append(f"runtime {p.get('Runtime')}")
    if p.get("ReservedConcurrentExecutions") != 1: problems.append("reserved concurrency is not 1")
if not sched: problems.append("no AWS::Scheduler::Schedule")
else:
    sp = sched["Properties"]
    if sp.get("Target", {}).get("RetryPolicy", {}).get("MaximumRetryAttempts") != 0: problems.append("schedule target retries are not 0")
    if sp.get("ScheduleExpressionTimezone") != "UTC": problems.append("schedule not in UTC")
if not eic or eic["Properties"].get("MaximumRetryAttempts") != 0: problems.append("async invoke retries are not 0")
if not any(r["Type"] == "AWS::S3::Bucket" for r in res.values()): problems.append("no bucket")
if not any(r["Type"] == "AWS::IAM::Role" for r in res.values()): problems.append("no role")
for p in problems: print("template:", p)
print(json.dumps({"resources": sorted(r["Type"] for r in res.values()),
                  "schedules": template["Mappings"]["IntervalSchedules"]}, sort_keys=True))
sys.exit(1 if problems else 0)
