"""YAML whose mappings and lists remember the line of every entry.

A refused provision file must name the line to fix, so the loader reads
values that carry their lines: a ``Lined`` mapping knows the line of each key,
a ``LinedList`` the line of each item. Duplicate keys are refused: PyYAML
would otherwise keep the last one without a word.
"""

from typing import Any

import yaml

from flexwatch.law.model import LawDataError

# libyaml's parser when PyYAML was built with it.
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Lined(dict[str, Any]):
    """A mapping read from YAML, with its own line and each key's line."""

    line: int = 0
    lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """The line of ``key``, or of the mapping itself when it is absent."""
        return self.lines.get(key, self.line)


class LinedList(list[Any]):
    """A list read from YAML, with its own line and each item's line."""

    line: int = 0
    lines: list[int]


class _Loader(_Base):  # type: ignore[misc,valid-type]
    def lined_map(self, node: yaml.MappingNode) -> Any:
        data = Lined()
        data.line = node.start_mark.line + 1
        data.lines = {}
        yield data
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                raise LawDataError(f"{self.name}, line {line}: keys must be text.")
            if key in data:
                raise LawDataError(
                    f"{self.name}, line {line}: the key {key!r} is given twice."
                )
            data[key] = self.construct_object(value_node, deep=True)
            data.lines[key] = line

    def lined_list(self, node: yaml.SequenceNode) -> Any:
        data = LinedList()
        data.line = node.start_mark.line + 1
        data.lines = [item.start_mark.line + 1 for item in node.value]
        yield data
        data.extend(self.construct_object(item, deep=True) for item in node.value)


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.lined_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.lined_list)


def read(name: str, text: str) -> Lined:
    """Parse ``text`` (the file ``name``) into a mapping that knows its lines.

    Raises:
        LawDataError: the text is not YAML, or not a mapping, naming the line.
    """
    loader = _Loader(text)
    loader.name = name
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as problem:
        mark = problem.problem_mark
        line = f", line {mark.line + 1}" if mark else ""
        raise LawDataError(
            f"{name}{line}: not valid YAML ({problem.problem})."
        ) from problem
    except yaml.YAMLError as problem:
        raise LawDataError(f"{name}: not valid YAML ({problem}).") from problem
    finally:
        loader.dispose()
    if not isinstance(data, Lined):
        raise LawDataError(f"{name}, line 1: expected a mapping of named entries.")
    return data
