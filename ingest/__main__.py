"""`python -m ingest`: build or refresh the index from corpus/docs (idempotent, atomic)."""

from __future__ import annotations

import argparse
import sys

from helpdesk.errors import HelpdeskError, report_error
from helpdesk.settings import Settings
from ingest.indexer import run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest", description=__doc__)
    parser.add_argument("--corpus", help="folder of Markdown documents (default: corpus/docs or HELPDESK_CORPUS_DIR)")
    parser.add_argument("--index", help="embedded index folder (default: .index or HELPDESK_INDEX_DIR)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        overrides = {}
        if args.corpus:
            from pathlib import Path
            overrides["corpus_dir"] = Path(args.corpus)
        if args.index:
            from pathlib import Path
            overrides["index_dir"] = Path(args.index)
        if overrides:
            settings = Settings.from_env(**overrides)
        run(settings, log=lambda line: print(line, flush=True), progress=not args.quiet)
    except HelpdeskError as exc:  # a broken document, a bad setting, a busy index, no model: one clear line
        report_error(exc, parser.prog)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
