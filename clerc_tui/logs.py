"""Unexpected errors go to a log file under the XDG state path, never to the screen.

If the log cannot be written (its folder cannot be created, a full disk…), the error still
reaches the clerc, in one French line that says so."""

import logging

from clerc_tui.paths import log_file

_handler: logging.Handler | None = None
_handler_path: str | None = None  # the file `_handler` writes to, or failed to open
_log_problem: str | None = None  # why the log file could not be opened, in French


def setup_logging() -> logging.Logger:
    """Log to the file of the current XDG state path (re-pointed if that path changed)."""
    global _handler, _handler_path, _log_problem
    logger = logging.getLogger("clerc")
    path = log_file()
    if _handler is None or _handler_path != str(path):
        if _handler is not None:
            logger.removeHandler(_handler)
            _handler.close()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _handler = logging.FileHandler(str(path), encoding="utf-8")
            _log_problem = None
        except OSError as error:
            _handler = logging.NullHandler()  # tried once per path, not at every error
            _log_problem = f"journal impossible à écrire dans {path} ({error.strerror or error})"
        _handler_path = str(path)
        _handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(_handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


def log_unexpected(context: str, error: BaseException | None = None) -> str:
    """Log the exception (default: the one being handled) with its traceback; return the
    French message to show instead."""
    import sys

    setup_logging().error("Erreur inattendue (%s)", context, exc_info=error or True)
    if _log_problem is None:
        return f"Erreur inattendue ({context}). Le détail est dans le journal : {log_file()}"
    error = error or sys.exc_info()[1]
    detail = " ".join(f"{type(error).__name__} : {error}".split()) if error is not None else "sans détail"
    return f"Erreur inattendue ({context}) : {detail} ; {_log_problem}."
