"""Rank 1 raises while rank 0 waits in a collective: the job must end, not hang."""

from __future__ import annotations

import time

from kusari.distributed import create_communicator

comm = create_communicator("mpi")
if comm.rank == 1:
    time.sleep(0.2)  # rank 0 is inside the collective by now
    raise ValueError("boom on rank 1")
comm.allreduce_obj(1)  # never completes: rank 1 does not take part
print("rank 0 passed the collective: the abort did not happen", flush=True)
