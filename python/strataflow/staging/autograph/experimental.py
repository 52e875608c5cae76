"""`sf.autograph.experimental.set_loop_options`."""


def set_loop_options(shape_invariants=None, maximum_iterations=None, parallel_iterations=None,
                     swap_memory=None):
    """Declares options of the enclosing loop; must be the first statements of
    a loop body in converted code (AutoGraph moves it to the loop).

        >>> while sf.shape(x)[0] < 10:                              # doctest: +SKIP
        ...     sf.autograph.experimental.set_loop_options(
        ...         shape_invariants=[(x, sf.TensorShape([None]))])
        ...     x = sf.concat([x, x], 0)

    Called outside converted code it does nothing (as in TensorFlow).
    """
