"""A `script` assertion: reads the case as JSON on stdin and passes when the
output mentions a refund. Logs a line first, as scripts may."""
import json
import sys

case = json.load(sys.stdin)
print("checking", case["vars"].get("output", "")[:20])
ok = "refund" in case["output"].lower()
print(json.dumps({"pass": ok, "score": 1.0 if ok else 0.0, "reason": "mentions a refund" if ok else "no refund"}))
