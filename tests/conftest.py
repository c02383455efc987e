import os

# Snapshot and colour-dependent rendering break with NO_COLOR set (stack.md).
os.environ.pop("NO_COLOR", None)
