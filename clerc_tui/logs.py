"""Unexpected errors go to a log file under the XDG state path, never to the screen."""

import logging

from clerc_tui.paths import log_file

_handler: logging.Handler | None = None


def setup_logging() -> logging.Logger:
    """Log to the file of the current XDG state path (re-pointed if that path changed)."""
    global _handler
    logger = logging.getLogger("clerc")
    path = str(log_file())
    if _handler is None or getattr(_handler, "baseFilename", None) != path:
        if _handler is not None:
            logger.removeHandler(_handler)
            _handler.close()
        try:
            _handler = logging.FileHandler(path, encoding="utf-8")
        except OSError:
            _handler = logging.NullHandler()
        _handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(_handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


def log_unexpected(context: str, error: BaseException | None = None) -> str:
    """Log the exception (default: the one being handled) with its traceback; return the
    French message to show instead."""
    setup_logging().error("Erreur inattendue (%s)", context, exc_info=error or True)
    return f"Erreur inattendue ({context}). Le détail est dans le journal : {log_file()}"
