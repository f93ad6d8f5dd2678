"""YAML loading that remembers where every value sits, so problems can name the line.

Dates stay text (``2017-12-12`` is checked and parsed by natije, not guessed by YAML), and a key given twice
in one mapping is a problem instead of silently keeping the last value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from natije.errors import Expected
from natije.ingest import limits

Path = tuple[str | int, ...]


class YamlTooLarge(Exception):
    """The document breaks a limit of :mod:`natije.ingest.limits`: what was expected, and the 1-based line."""

    def __init__(self, expected: Expected, line: int) -> None:
        super().__init__(str(expected))
        self.expected = expected
        self.line = line


class _Loader(yaml.SafeLoader):
    """SafeLoader read the YAML 1.2 way: dates arrive as strings, only true/false are booleans.

    Nesting is bounded while the document is composed, before Python's own recursion limit is near.
    """

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self.depth += 1
        try:
            limit = limits.current().yaml_depth
            if self.depth > limit:
                mark = self.peek_event().start_mark
                raise YamlTooLarge(Expected("expected.yaml_depth_at_most", limit=limit), mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_Loader.yaml_implicit_resolvers = {
    ch: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# YAML 1.1 would read codes such as ON, NO or Y as booleans; YAML 1.2 keeps them text
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
# YAML 1.2 numbers such as 1e-05 or 2E6 (YAML 1.1, and so PyYAML, would read them as text)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)


@dataclass
class YamlDocument:
    """Parsed data plus the 1-based line of every path (``("indicators", 2, "unit")`` → 41)."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    duplicates: list[tuple[Path, int]] = field(default_factory=list)

    def line(self, path: Path) -> int | None:
        """Line of ``path``, or of its nearest ancestor that has one."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), 1)


def _walk(node: yaml.Node, path: Path, doc: YamlDocument) -> None:
    doc.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                doc.duplicates.append((path + (key,), key_node.start_mark.line + 1))
            seen.add(key)
            _walk(value_node, path + (key,), doc)
            doc.lines[path + (key,)] = key_node.start_mark.line + 1  # name the key's line, not its value's
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), doc)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def check_expansion(root: yaml.Node) -> None:
    """Refuse a document whose aliases expand past the limits ("billion laughs"), or refer to themselves.

    Aliases make the node graph a DAG that can stand for an exponentially large tree. Counting each node's
    expanded size and depth once (iteratively, memoised by node) costs time linear in the YAML text, so the
    check is done before anything walks the expanded tree.
    """
    limit = limits.current()
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    on_path: set[int] = set()  # nodes whose subtree is being measured: meeting one again means a cycle
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        line = node.start_mark.line + 1
        if finished:
            kids = _children(node)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            depth[key] = 1 + max((depth[id(k)] for k in kids), default=0)
            on_path.discard(key)
            if size[key] > limit.yaml_values:
                raise YamlTooLarge(Expected("expected.yaml_values_at_most", limit=limit.yaml_values), line)
            if depth[key] > limit.yaml_depth:
                raise YamlTooLarge(Expected("expected.yaml_depth_at_most", limit=limit.yaml_depth), line)
            continue
        if key in size:
            continue
        on_path.add(key)
        stack.append((node, True))
        for kid in _children(node):
            if id(kid) in on_path:
                raise YamlTooLarge(Expected("expected.yaml_recursive"), kid.start_mark.line + 1)
            if id(kid) not in size:
                stack.append((kid, False))


def load_yaml(text: str) -> YamlDocument:
    """Parse one YAML document; raises ``yaml.YAMLError`` (with a mark) on syntax errors.

    Raises :class:`YamlTooLarge` when the document is nested too deep or its aliases expand past the limits.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(None)
        check_expansion(node)
        doc = YamlDocument(loader.construct_document(node))
        _walk(node, (), doc)
        return doc
    finally:
        loader.dispose()


def dotted(path: Path) -> str:
    """``("indicators", 2, "unit")`` → ``indicators[2].unit``: how a field is named in problems."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"
