"""A `script` assertion: passes when the model said anything at all."""
import json
import sys

case = json.load(sys.stdin)
print("true" if case["output"].strip() else "false")
