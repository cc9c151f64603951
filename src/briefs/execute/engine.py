"""The papermill engine a brief runs under: the notebook is written once, at the end, however the run ends.

By default papermill rewrites the whole executed notebook after every cell (serialising and
validating it, charts included), most of what a warm brief costs beyond its own cells; runs
therefore pass `request_save_on_cell_execute=False`. papermill then writes the notebook only
when the run ends normally or a cell raises, and never when the run is cut short from outside
the cells: a time limit (nbclient's CellTimeoutError), the output cap (`limits.OutputTooLarge`)
or a kernel that died. This engine writes it in those cases too, to `keep_on_failure`, so the
author still finds the failed run in `build/failed/` (its cells up to the one that stopped).
"""

from __future__ import annotations

from papermill.engines import NBClientEngine, papermill_engines

NAME = "briefs"


class KeepOnFailureEngine(NBClientEngine):
    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, keep_on_failure: str | None = None, **kwargs):
        try:
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
        except BaseException:
            if keep_on_failure and not nb_man.output_path:
                nb_man.output_path = keep_on_failure  # papermill's final save (notebook_complete) writes it there
            raise


papermill_engines.register(NAME, KeepOnFailureEngine)
