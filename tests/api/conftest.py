"""Give each schemathesis test (one per API operation) its own node id.

Under pytest 9, schemathesis' items carry the test function's node id without the operation
(``test_schemathesis.py::test_api_as_a_member`` for all 77 operations; the operation is only in
``item.name``). pytest's progress counts distinct node ids, so a full run's progress stopped at 85% (154
items counted as 2) and the final line read ``[ 85%]`` although every test ran and the summary followed;
``-k``/``--deselect`` and reports could not tell the operations apart either.
"""

from __future__ import annotations

from typing import Any


def pytest_collection_modifyitems(items: list[Any]) -> None:
    try:
        from _pytest.nodeid import coerce_node_id
    except ImportError:  # an older pytest names items from item.name already
        return
    for item in items:
        if type(item).__name__ != "SchemathesisFunction" or "[" in item.nodeid or "[" not in item.name:
            continue
        item._id = coerce_node_id(f"{item.nodeid}[{item.name.split('[', 1)[1]}")
