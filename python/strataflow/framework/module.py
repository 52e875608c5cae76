"""`sf.Module`: a container that finds its variables and submodules.

    >>> class Dense(sf.Module):
    ...     def __init__(self, n_in, n_out):
    ...         super().__init__()
    ...         self.w = sf.Variable(sf.ones([n_in, n_out]))
    ...         self.b = sf.Variable(sf.zeros([n_out]), trainable=False)
    >>> class MLP(sf.Module):
    ...     def __init__(self):
    ...         super().__init__(name="mlp")
    ...         self.layers = [Dense(2, 3), Dense(3, 1)]
    >>> len(MLP().variables), len(MLP().trainable_variables), len(MLP().submodules)
    (4, 2, 2)

Tracking walks attributes and nested lists, tuples and dicts (dict values in
key order) depth first, in attribute order, deduplicating by identity.
"""
from __future__ import annotations

import re

from strataflow.framework import context
from strataflow.framework.variables import Variable

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


class Module:
    """Base class for models and layers (cf. `tf.Module`)."""

    # attributes whose contents are not tracked
    _TRACKING_EXCLUDED = frozenset()

    def __init__(self, name: str | None = None):
        if name is None:
            name = _CAMEL.sub("_", type(self).__name__).lower()
        elif not name.isidentifier():
            raise ValueError(f"module name {name!r} is not a valid Python identifier")
        self._name = name

    @property
    def name(self) -> str:
        # subclasses that forget super().__init__() still get a name
        return self.__dict__.get("_name") or _CAMEL.sub("_", type(self).__name__).lower()

    @property
    def name_scope(self):
        """A context prefixing the names of variables created inside with the module's."""
        return context.name_scope(self.name)

    @property
    def variables(self) -> tuple:
        """Every variable of this module and its submodules."""
        return tuple(self._flatten(lambda x: isinstance(x, Variable)))

    @property
    def trainable_variables(self) -> tuple:
        return tuple(self._flatten(lambda x: isinstance(x, Variable) and x.trainable))

    @property
    def non_trainable_variables(self) -> tuple:
        return tuple(self._flatten(lambda x: isinstance(x, Variable) and not x.trainable))

    @property
    def submodules(self) -> tuple:
        """Every module reachable from this one (not including itself)."""
        return tuple(self._flatten(lambda x: isinstance(x, Module)))

    def _flatten(self, predicate) -> list:
        found: list = []
        seen: set = {id(self)}
        self._walk(self, predicate, found, seen)
        return found

    @staticmethod
    def _walk(value, predicate, found, seen) -> None:
        if isinstance(value, Module):
            items = [v for k, v in vars(value).items() if k not in value._TRACKING_EXCLUDED]
        elif isinstance(value, dict):
            items = list(value.values())
        elif isinstance(value, (list, tuple)):
            items = list(value)
        else:
            return
        for v in items:
            if id(v) in seen:
                continue
            if isinstance(v, (Module, Variable)):
                seen.add(id(v))
                if predicate(v):
                    found.append(v)
            if isinstance(v, (Module, dict, list, tuple)):
                if not isinstance(v, Module):
                    seen.add(id(v))
                Module._walk(v, predicate, found, seen)

    @classmethod
    def with_name_scope(cls, method):
        """Decorator kept for TF compatibility (names are informational here)."""
        return method

    def __repr__(self) -> str:
        return f"<{type(self).__name__} '{self.name}'>"

