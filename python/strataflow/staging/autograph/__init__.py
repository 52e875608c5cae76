"""AutoGraph: Python control flow in staged functions becomes `sf.if`/`sf.while`.

    >>> @sf.function
    ... def collatz(n):
    ...     steps = 0
    ...     while n != 1:               # a tensor condition: staged
    ...         if n % 2 == 0:
    ...             n = n // 2
    ...         else:
    ...             n = 3 * n + 1
    ...         steps += 1
    ...     return steps

`to_graph(f)` returns the converted function; `do_not_convert` opts out;
`experimental.set_loop_options` declares loop options inside a loop body.
"""
from strataflow.staging.autograph import experimental
from strataflow.staging.autograph.conversion import convert as to_graph
from strataflow.staging.autograph.conversion import converted_source, do_not_convert

__all__ = ["converted_source", "do_not_convert", "experimental", "to_graph"]
