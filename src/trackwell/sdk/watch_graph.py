"""``run.watch(log_graph=True)``: the watched model's module tree, recorded once, in the summary.

wandb hooks every leaf module, builds a ``wandb.Graph`` of layers from the first forward pass and
stores it in the summary as ``graph_<idx>``, a ``graph-file`` (a JSON file of nodes and edges).
Trackwell writes the same kind of value under the same key, after the model's first forward pass
(any mode), with the whole module tree, not only the leaves:

- ``nodes``: one per module of ``model.named_modules()``: ``id``, ``name`` (its dotted path, ``""``
  for the model itself), ``class_name`` (a leaf's repr such as ``Linear(in_features=4, ...)``, as
  in wandb; the class name for a module with children), ``output_shape`` (the shapes of its output
  in that pass, nested like the output; ``null`` when the module did not run), ``parameters``
  (``[name, shape]`` of its own parameters) and ``num_parameters``.
- ``edges``: ``[parent_id, child_id]`` for each module and its direct children (wandb's torch graph
  has no edges; the tree is what a reader needs to place a layer).

No compute graph is drawn: autograd's graph is not walked (wandb does not use it either). The
hooks remove themselves after that first pass, so a graph costs nothing afterwards.
"""

from __future__ import annotations

import json
from typing import Any

from trackwell.data_types.base import Media


class ModuleGraph(Media):
    """A model's module tree as wandb's ``graph-file`` media (``{"format": "torch", "nodes", "edges"}``)."""

    _type = "graph-file"
    SUBDIR = "graph"

    def __init__(self, nodes: list[dict[str, Any]], edges: list[list[int]]) -> None:
        self.nodes = nodes
        self.edges = edges

    def _encode(self) -> tuple[bytes, str]:
        doc = {"format": "torch", "nodes": self.nodes, "edges": self.edges}
        return json.dumps(doc, separators=(",", ":")).encode(), ".graph.json"


def hook_graph(run: Any, model: Any, key: str) -> list[Any]:
    """Forward hooks that record ``model``'s tree into ``run.summary[key]`` after its first forward
    pass, then remove themselves; returns the handles (``unwatch`` removes them if no pass ran)."""
    shapes: dict[int, Any] = {}
    handles: list[Any] = []

    def record(module: Any, _inputs: Any, output: Any) -> None:
        shapes.setdefault(id(module), _nested_shape(output, set()))

    def done(module: Any, inputs: Any, output: Any) -> None:
        record(module, inputs, output)
        for handle in handles:
            handle.remove()
        handles.clear()
        run.summary[key] = module_graph(model, shapes)

    for _name, sub in model.named_modules():
        if sub is not model:
            handles.append(sub.register_forward_hook(record))
    # The model's own hook runs last, once every submodule of this pass has run.
    handles.append(model.register_forward_hook(done))
    return handles


def module_graph(model: Any, shapes: dict[int, Any]) -> ModuleGraph:
    """The :class:`ModuleGraph` of ``model`` with the output shapes recorded by the hooks."""
    ids: dict[str, int] = {}
    nodes: list[dict[str, Any]] = []
    edges: list[list[int]] = []
    for node_id, (name, module) in enumerate(model.named_modules()):
        ids[name] = node_id
        params = [(pname, list(p.shape)) for pname, p in module.named_parameters(recurse=False)]
        is_leaf = next(iter(module.children()), None) is None
        nodes.append(
            {
                "id": node_id,
                "name": name,
                "class_name": str(module) if is_leaf else type(module).__name__,
                "output_shape": shapes.get(id(module)),
                "parameters": [[pname, shape] for pname, shape in params],
                "num_parameters": [_numel(shape) for _, shape in params],
            }
        )
        if name:
            parent = name.rpartition(".")[0]
            if parent in ids:
                edges.append([ids[parent], node_id])
    return ModuleGraph(nodes, edges)


def _numel(shape: list[int]) -> int:
    total = 1
    for size in shape:
        total *= size
    return total


def _nested_shape(value: Any, seen: set[int]) -> Any:
    """A tensor's shape as a list; tuples, lists and dicts of tensors as the same nesting of shapes."""
    shape = getattr(value, "shape", None)
    if shape is not None:
        return [int(s) for s in shape]
    if id(value) in seen:
        return None
    seen.add(id(value))
    if isinstance(value, dict):
        return {str(k): _nested_shape(v, seen) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_nested_shape(v, seen) for v in value]
    return None
