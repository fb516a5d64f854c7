"""A lineage panel of an exported report: the artifact version's producers and consumers as a
table of edges (run -logged-> version, version -used-> run), ``depth`` hops either way, from the
same lineage read the artifact page draws; nodes in projects the reader may not read are left
out (``artifacts_lineage.readable_lineage``), as the lineage route leaves them out."""

from __future__ import annotations

from html import escape

from trackwell.schema.artifacts import LineageGraph, LineageNode
from trackwell.schema.errors import TrackwellError
from trackwell.schema.layout import LineagePanel

MAX_EDGES = 100
RELATION = {"logged": "logged", "used": "used by"}


def _label(node: LineageNode, focus: str | None) -> str:
    if node.artifact is not None:
        a = node.artifact
        text = f'{escape(a.name)}:{escape(a.version)} <span class="muted">({escape(a.type)})</span>'
    elif node.run is not None:
        text = f"run {escape(node.run.name or node.run.run_id)}"
    else:
        text = escape(node.label)
    return f"<strong>{text}</strong>" if node.id == focus else text


def lineage_table(panel: LineagePanel, graph: LineageGraph) -> str:
    """The edges as rows, the panel's own version in bold; raises when the version is missing."""
    name, ref = panel.artifact.split(":", 1)
    focus = next(
        (
            n.id
            for n in graph.nodes
            if n.artifact is not None
            and n.artifact.name == name
            and (n.artifact.version == ref or ref in {a.alias for a in n.artifact.aliases})
        ),
        None,
    )
    if focus is None:
        raise TrackwellError(f"artifact {panel.artifact!r} has no version in the lineage read")
    by_id = {n.id: n for n in graph.nodes}
    rows = [
        f"<tr><td>{_label(by_id[e.source], focus)}</td><td>{RELATION[e.kind]}</td>"
        f"<td>{_label(by_id[e.target], focus)}</td></tr>"
        for e in graph.edges[:MAX_EDGES]
    ]
    if not rows:
        rows = ['<tr><td colspan="3" class="muted">no run logged or used this version</td></tr>']
    more = len(graph.edges) - MAX_EDGES
    note = f'<div class="muted">{more} more edges in the live report</div>' if more > 0 else ""
    head = "<thead><tr><th>From</th><th></th><th>To</th></tr></thead>"
    return f'<div class="table-wrap"><table>{head}<tbody>{"".join(rows)}</tbody></table></div>{note}'
