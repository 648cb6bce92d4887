"""The runtime under the pipeline: what every stage uses to keep, write and run things.

``store``: the one content-addressed store of everything kept between builds, and the code
fingerprint that names its entries; ``files``: the file helpers (atomic write, replace a folder,
link or copy, remove files); ``workers``: isolated and parallel worker processes; ``cluster``: the
same work on a Dask cluster; ``outputs``: the checks and lock on the output folders;
``progress``: progress bars and log lines.
"""

from generator.runtime.files import link_or_copy, remove_files, replace_dirs, write_bytes, write_text
from generator.runtime.store import RecordStore, Store, code_fingerprint, open_store
from generator.runtime.workers import Failure, map_isolated, map_parallel

__all__ = ["Failure", "RecordStore", "Store", "code_fingerprint", "link_or_copy", "map_isolated", "map_parallel",
           "open_store", "remove_files", "replace_dirs", "write_bytes", "write_text"]
