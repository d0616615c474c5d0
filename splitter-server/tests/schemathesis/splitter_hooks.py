"""Schemathesis hooks for `scripts/suites/server`.

Random path parameters only ever reach the 404 of a missing group, so every path parameter is
pointed at a real record the suite made before the run (ids in `SPLITTER_ST_<NAME>`): the group,
one of its expenses, payments, members and invites. Schemathesis then fuzzes bodies and queries
against a group that exists, which is where a 5xx would hide.
"""

import os

import schemathesis

IDS = {
    name: os.environ[f"SPLITTER_ST_{name.upper()}"]
    for name in ("group", "expense", "payment", "member", "invite", "code")
    if os.environ.get(f"SPLITTER_ST_{name.upper()}")
}
# Deleting the group would leave every later request the 404 of a missing group: that
# operation gets a spare group of its own (gone after its first success, then 404).
SPARE_GROUP = os.environ.get("SPLITTER_ST_SPARE_GROUP")


def deletes_a_group(context):
    operation = getattr(context, "operation", None)
    return (
        operation is not None
        and operation.method.upper() == "DELETE"
        and operation.path == "/v1/groups/{group}"
    )


@schemathesis.hook
def map_path_parameters(context, path_parameters):
    if path_parameters:
        for name in path_parameters:
            if name in IDS:
                path_parameters[name] = IDS[name]
        if SPARE_GROUP and "group" in path_parameters and deletes_a_group(context):
            path_parameters["group"] = SPARE_GROUP
    return path_parameters
