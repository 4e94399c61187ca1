"""Graph algorithms as numpy and scipy kernels over a projection of the graph.

The kernels know nothing about storage: a `Projection` holds node ids and relationship
end indices as arrays, and each algorithm returns one value per node. The `algo.*`
procedures (`engram.execution.graph_algorithms`) read the projection from a transaction
and call them; see docs/algorithms.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engram.algorithms.community import louvain, modularity
    from engram.algorithms.paths import ShortestPath, shortest_paths
    from engram.algorithms.projection import Orientation, Projection
    from engram.algorithms.ranking import betweenness, pagerank
    from engram.algorithms.structure import strongly_connected, triangles, weakly_connected

__all__ = [
    "Orientation",
    "Projection",
    "ShortestPath",
    "betweenness",
    "louvain",
    "modularity",
    "pagerank",
    "shortest_paths",
    "strongly_connected",
    "triangles",
    "weakly_connected",
]

# the kernels import scipy, which takes about a second: load each module on first use
_HOMES = {
    "Orientation": "projection",
    "Projection": "projection",
    "ShortestPath": "paths",
    "betweenness": "ranking",
    "louvain": "community",
    "modularity": "community",
    "pagerank": "ranking",
    "shortest_paths": "paths",
    "strongly_connected": "structure",
    "triangles": "structure",
    "weakly_connected": "structure",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
