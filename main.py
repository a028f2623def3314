"""Collective Security: run `python main.py --help` for the commands."""
import gc
import sys

from game.cli import main

if __name__ == "__main__":
    status = main()
    # Everything still alive now lives until the exit: spare the cyclic collector its last full
    # pass over every object at shutdown (a tenth of a second for a `run`). Exit handlers still run
    # and the standard streams are still flushed; the commands close the files they write.
    gc.freeze()
    sys.exit(status)
