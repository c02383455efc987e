"""Unexpected errors go to a log file under the XDG state path, never to the screen."""

import logging

from clerc_tui.paths import log_file

_configured = False


def setup_logging() -> logging.Logger:
    global _configured
    logger = logging.getLogger("clerc")
    if not _configured:
        try:
            handler = logging.FileHandler(log_file(), encoding="utf-8")
        except OSError:
            handler = logging.NullHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
        _configured = True
    return logger


def log_unexpected(context: str, error: BaseException | None = None) -> str:
    """Log the exception (default: the one being handled) with its traceback; return the
    French message to show instead."""
    setup_logging().error("Erreur inattendue (%s)", context, exc_info=error or True)
    return f"Erreur inattendue ({context}). Le détail est dans le journal : {log_file()}"
