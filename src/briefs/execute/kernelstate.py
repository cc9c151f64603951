"""Inside a warm kernel: what it holds after its imports, and putting it back before every brief.

This module runs in the kernel, not in the `briefs` process (see `execute.warm`). `snapshot()`
is called once, after the kernel has imported pandas, Altair and the library; `restore()`
before each brief, so the brief sees what a fresh kernel started for it that had just made
those imports would see: an empty namespace, the brief's project folder as working directory
(IPython's `_dh` too), the environment with the brief's own variables, the import path, warning
filters (and no warning already shown once), pandas and Altair settings, no data file recorded
as read, no official series cached, and none of the library's or the project's own modules
imported after the snapshot (they are imported again, running their module code again).
Third-party modules a brief imports beyond the preload stay imported: re-importing them
could leave two copies of their classes in one process.
"""

from __future__ import annotations

import gc
import os
import sys
import warnings

_saved: dict | None = None

# What a warm kernel imports before its snapshot (execute.warm.PRELOAD; execute.zygote makes the
# same imports once for the kernels it forks). Only modules whose import changes nothing outside
# themselves: `briefs.page.charts` registers and enables the book's Altair theme as it is
# imported, so it is left out and imported afresh by every brief that uses it (cheaply: Altair
# itself is loaded), as in a fresh kernel. narwhals' pandas support is what Altair imports for a
# brief's first chart; `briefs.page.rendered` keeps its SVGs across the reset between briefs.
PRELOADED = (
    "pandas",
    "numpy",
    "altair",
    "vl_convert",
    "IPython.display",
    "narwhals.stable.v1",
    "narwhals._pandas_like.namespace",
    "narwhals._pandas_like.dataframe",
    "briefs.errors",
    "briefs.data.package",
    "briefs.data.official.series",
    "briefs.data.official.ohss",
    "briefs.page.claims",
    "briefs.page.tables",
    "briefs.page.sources",
    "briefs.page.seriescheck",
    "briefs.page.compare",
    "briefs.page.rendered",
    "briefs.execute.kernelstate",
)


def _registries():
    import altair as alt

    return {"data_transformers": alt.data_transformers, "renderers": alt.renderers, "theme": alt.theme}


def _pandas_options(wrapper=None, prefix: str = "") -> dict:
    """Every pandas option and its value (reading a deprecated one warns: not a reason to)."""
    import pandas as pd

    found = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in dir(wrapper or pd.options):
            value = getattr(wrapper or pd.options, name)
            if isinstance(value, type(pd.options)):
                found.update(_pandas_options(value, f"{prefix}{name}."))
            else:
                found[prefix + name] = value
    return found


def snapshot() -> None:
    global _saved
    import numpy as np

    _saved = {
        "modules": set(sys.modules),
        "path": list(sys.path),
        "environ": dict(os.environ),
        "cwd": os.getcwd(),
        "served": {os.getcwd()},  # every folder a brief has run in (its modules are imported afresh)
        "filters": list(warnings.filters),
        "showwarning": (warnings.showwarning, warnings.formatwarning),
        "numpy": np.geterr(),
        "pandas": _pandas_options(),
        "altair": {name: (reg.active, dict(reg.options)) for name, reg in _registries().items()},
    }
    # What the imports made lives as long as the kernel: the collector need not walk it again. The
    # reset's own collection (IPython's) then takes milliseconds instead of half a second.
    gc.freeze()


def _own_module(name: str, module, folders: set[str]) -> bool:
    """The library's modules and the project's (files under a folder the kernel has run briefs in):
    cheap and safe to import again."""
    if name == "briefs" or name.startswith("briefs."):
        return True
    path = getattr(module, "__file__", None) or ""
    if not path or "site-packages" in path:
        return False
    path = os.path.abspath(path)
    return any(path.startswith(folder + os.sep) for folder in folders)


def restore(env: dict[str, str] | None = None, cwd: str | None = None) -> None:
    """Put the kernel back to its state at `snapshot()`, as a kernel started in `cwd` (by default
    the folder it was started in) would be, with `env` set in its environment (what changes from
    brief to brief, the project's own variables such as the running brief's name, `media.BRIEF_ENV`)."""
    if _saved is None:
        raise RuntimeError("kernelstate.restore() before snapshot()")
    from IPython import get_ipython

    cwd = cwd or _saved["cwd"]
    _saved["served"].add(cwd)
    os.chdir(cwd)  # first: the reset starts IPython's record of folders visited (`_dh`) with this one
    get_ipython().run_line_magic("reset", "-f")
    os.environ.clear()
    os.environ.update(_saved["environ"])
    os.environ.update(env or {})
    sys.path[:] = _saved["path"]
    warnings.filters[:] = _saved["filters"]
    warnings.showwarning, warnings.formatwarning = _saved["showwarning"]
    warnings._filters_mutated()  # forgets every "already shown" record (each module's __warningregistry__)
    warnings.onceregistry.clear()
    for name in [n for n in sys.modules if n not in _saved["modules"]]:
        module = sys.modules[name]
        if _own_module(name, module, _saved["served"]):
            del sys.modules[name]
            parent, _, child = name.rpartition(".")
            if getattr(sys.modules.get(parent), child, None) is module:
                delattr(sys.modules[parent], child)  # else `from parent import child` finds the old one
    import numpy as np
    import pandas as pd

    np.seterr(**_saved["numpy"])
    now = _pandas_options()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # setting a deprecated option warns about it
        for key, value in _saved["pandas"].items():
            if now.get(key) != value:  # only what changed: setting some options imports their backend
                pd.set_option(key, value)
    registries = _registries()
    for name, (active, options) in _saved["altair"].items():
        registries[name].enable(active, **options)
    from briefs.data import package
    from briefs.data.official import series

    package.INPUTS.clear()
    package.VALIDATED.clear()
    series._CACHE.clear()
    series.READ.clear()
