"""Pilot's waits on a condition instead of on the clock, for the screen tests.

Textual's Pilot waits after each key (twice) and in each `pause()` until the process looks idle:
`textual._wait.wait_for_idle` sleeps 20 ms at a time until a 20 ms slice used less than 1 ms of
CPU. At least 40 ms per key, more on a loaded machine: two thirds of a screen test's wall time.
`until_quiet` waits instead for what the sleeping stood for, and returns as soon as it holds:

- no message is being handled and every message pump of the app (the app, its screens, their
  widgets) has an empty queue, and that still holds after the event loop went round (what a
  handler posted, or another task scheduled, is handled too);
- the screens have done the layout and paint they asked for (what their update timers do 1/60 s
  after an idle screen asks, done at once, the screens below first as their timers would), and
  the callbacks waiting for that refresh have run (`call_after_refresh`);
- the one-shot timers of at most 100 ms have fired (clerc hands out keys typed ahead of an Enter
  with a 5 ms timer, app.py);
- no worker is running, or else the process looks idle (Textual's own test, kept for them: a
  thread worker's progress is not a message until it calls back; the long-work tests keep one
  blocked on purpose while they press keys).

Pilot's other wait, `_wait_for_screen` (after the keys of each `press`, before each `pause`: a
callback posted to every widget of the screen, awaited), becomes the same wait: its condition, the
messages queued before handled, is part of the one above, and a message per widget cost more CPU
than a key on the big forms (21 ms on the dossier form's 205 widgets).

Each key is still sent alone and handled in full, the screen repainted, before the next is sent,
as Pilot sends it: only the sleeping around it goes. A test whose condition is none of these
waits for it itself (`app.workers.wait_for_complete()`, a loop on the condition around
`pilot.pause()`)."""

import asyncio
import weakref

import textual.app
import textual.pilot
from textual._context import active_app
from textual._wait import wait_for_idle
from textual.message_pump import MessagePump
from textual.pilot import WaitForScreenTimeout
from textual.screen import Screen
from textual.timer import Timer

SHORT_TIMER = 0.1  # seconds: a one-shot timer this short is waited for (longer ones: notices' timeouts)
LOOPS = 200_000  # a guard against an app that never settles


class _Handling:
    """Messages being handled right now, and handled so far, by every message pump; `done` is
    set when none is being handled any more."""

    active = 0
    count = 0
    done: asyncio.Event | None = None


def _counted(method):
    async def counted(self, *args):
        _Handling.active += 1
        _Handling.count += 1
        try:
            return await method(self, *args)
        finally:
            _Handling.active -= 1
            if not _Handling.active and _Handling.done is not None:
                _Handling.done.set()

    return counted


async def until_quiet(min_sleep: float = 0, max_sleep: float = 1) -> None:
    """A drop-in for `textual._wait.wait_for_idle` (same signature, the arguments unused): see
    the module's docstring. The app is the active one (Pilot's calls run in its context)."""
    await _until_quiet(active_app.get())


async def _wait_for_screen(self, timeout: float = 30.0) -> bool:
    """A drop-in for `Pilot._wait_for_screen`, which Pilot calls after the keys it pressed and
    before each pause: it posts a callback to the app and to every widget of the screen and waits
    until each has run, so that what was queued before has been handled. `until_quiet` already
    waits for every message pump's queue to be empty, a stronger condition; the callbacks cost a
    message per widget (21 ms of CPU on the dossier form's 205 widgets, more than a key), each
    widget then going idle, which no real key gives it. False if the app has failed, as Pilot's."""
    try:
        _ = self.app.screen
    except Exception:  # no screen: closing
        return False
    await _until_quiet(self.app)
    return not self.app._exception_event.is_set()


async def _until_quiet(app) -> None:
    seen = -1
    for _ in range(LOOPS):
        await asyncio.sleep(0)  # the tasks that can run do (a pump empties its queue in one go)
        if app._exit or not app.is_running:
            return
        if _Handling.active:  # a handler awaits something (a mount, a screen's compose…)
            before = _Handling.count
            if not await _handled_meanwhile() and _Handling.count == before:
                # A handler waiting a second with nothing else handled meanwhile waits for
                # something outside the app: Textual's own test then, as Pilot does.
                await wait_for_idle(0)
                return
            continue
        if _Handling.count != seen:
            seen = _Handling.count
            continue
        pumps = [app, *app._registry]
        if any(not pump._message_queue.empty() for pump in pumps if pump.is_running):
            continue
        if _refresh(app):
            continue
        timers = _short_timers(pumps)
        if timers:
            await asyncio.wait(timers, timeout=30)
            continue
        if any(not worker.is_finished for worker in app.workers):
            await wait_for_idle(0)  # Textual's own test: the process no longer works
            if _Handling.count != seen or _short_timers(pumps) or _refresh_due(app):
                continue
        return
    raise WaitForScreenTimeout("L'application ne se stabilise pas.")


async def _handled_meanwhile() -> bool:
    """Until no handler runs (False if one still does after a second)."""
    done = _Handling.done = asyncio.Event()
    try:
        await asyncio.wait_for(done.wait(), timeout=1)
    except TimeoutError:
        return False
    finally:
        _Handling.done = None
    return True


def _screens(app) -> list[Screen]:
    try:
        current = app.screen
    except Exception:  # no screen: closing
        return []
    return [*app._background_screens, current]


def _timer_running(screen: Screen) -> bool:
    timer = getattr(screen, "_Screen__update_timer", None)  # the update timer, if the screen made it yet
    return timer is not None and timer._active.is_set()


def _refresh_due(app) -> bool:
    return any(_timer_running(screen) or screen._callbacks for screen in _screens(app))


def _refresh(app) -> bool:
    """Each screen whose update timer is running (it asked for a refresh when idle) does its
    update now; returns whether any did."""
    done = False
    for screen in _screens(app):
        if _timer_running(screen) or screen._callbacks:
            screen._on_timer_update()  # pauses the timer; the refresh's callbacks come next
            done = True
    return done


class _Short:
    """The one-shot timers of at most SHORT_TIMER started so far (every timer starts through
    `Timer._start`: `set_timer`'s, and the app's own for the keys typed ahead), gone with their
    timer. Looking through every pump's timers for them at each turn of the wait cost ~5 % of a
    key on the big forms (a WeakSet walked per widget)."""

    timers: "weakref.WeakSet[Timer]" = weakref.WeakSet()


def _registering(start):
    def registered(timer: Timer) -> None:
        start(timer)
        if timer._repeat == 0 and timer._interval <= SHORT_TIMER:
            _Short.timers.add(timer)

    return registered


def _short_timers(pumps) -> list:
    if not _Short.timers:
        return []
    running = set(pumps)
    return [
        timer._task
        for timer in list(_Short.timers)
        if timer._task is not None and not timer._task.done() and timer._active.is_set() and timer._target() in running
    ]


def install(monkeypatch) -> None:
    """Pilot's waits on the app's state instead of on the clock, for the calling test (see above)."""
    _Handling.active = 0
    _Handling.done = None
    _Short.timers = weakref.WeakSet()
    monkeypatch.setattr(Timer, "_start", _registering(Timer._start))
    for owner, name in (
        (MessagePump, "_dispatch_message"),
        (MessagePump, "_flush_next_callbacks"),
        (Screen, "_invoke_and_clear_callbacks"),
    ):
        monkeypatch.setattr(owner, name, _counted(getattr(owner, name)))
    monkeypatch.setattr(textual.app, "wait_for_idle", until_quiet)
    monkeypatch.setattr(textual.pilot, "wait_for_idle", until_quiet)
    monkeypatch.setattr(textual.pilot.Pilot, "_wait_for_screen", _wait_for_screen)
