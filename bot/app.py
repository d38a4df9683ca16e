"""The process: web chat always, Telegram when a token is set, one event loop.

``python -m bot`` calls :func:`main`; tests call :func:`serve` with a stop event.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import signal
import sys
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from aiohttp import web

import admin.panel
from bot.mail import EmailSender, email_configured
from bot.reminders import start_reminders
from bot.web import create_web_app
from dialogs.application.demo import describe_kind
from dialogs.application.factory import Application, open_application
from dialogs.application.settings import Settings, load_settings, local_url

log = logging.getLogger("bot")


@dataclass
class Telegram:
    """The Telegram side when it runs: the bot, its dispatcher, the polling task."""

    bot: Any
    dispatcher: Any
    polling: asyncio.Task[None] | None = None
    mode: str = "polling"
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


@dataclass
class Runtime:
    """Everything :func:`serve` started, for a clean stop."""

    settings: Settings
    services: Application
    app: web.Application
    runner: web.AppRunner | None = None
    telegram: Telegram | None = None
    links: list[str] = field(default_factory=list)
    reminders: asyncio.Task[None] | None = None  # the loop, when a channel can deliver
    housekeeping: asyncio.Task[None] | None = None  # the hourly sweep, in one worker
    redis: Any = None  # redis.asyncio.Redis with REDIS_URL, shared by the limiter and aiogram


def effective_settings(
    settings: Settings, host: str | None = None, port: int | None = None
) -> Settings:
    """Settings with ``--host``/``--port`` applied; PUBLIC_URL follows them unless it was set."""
    update: dict[str, Any] = {}
    if host:
        update["web_host"] = host
    if port:
        update["web_port"] = port
    if update and "public_url" not in settings.model_fields_set:
        host_port = (
            update.get("web_host", settings.web_host),
            update.get("web_port", settings.web_port),
        )
        update["public_url"] = local_url(*host_port)
    return settings.model_copy(update=update) if update else settings


def invite_links(settings: Settings, token: str) -> tuple[str, str | None]:
    """(web link, Telegram deep link or None) of an invitation token."""
    web_link = f"{settings.public_url.rstrip('/')}/i/{token}"
    username = (settings.bot_username or "").lstrip("@")
    tg_link = f"https://t.me/{username}?start={token}" if username else None
    return web_link, tg_link


async def seed_demo_campaign(services: Application, settings: Settings) -> list[str]:
    """Create the demo campaign (one organisation per subject kind); lines to print."""
    campaign, orgs = await services.seed_demo()
    lines = [
        f"Demo campaign «{campaign.title}» is open ({len(orgs)} organisations, one per kind).",
        "Open an invite link in a browser" + (" or Telegram:" if settings.bot_username else ":"),
    ]
    for demo in orgs:
        web_link, tg_link = invite_links(settings, demo.token)
        lines.extend(demo_link_legend(demo.organisation.subject_kind))
        lines.append(f"    {web_link}")
        if tg_link:
            lines.append(f"    {tg_link}")
    return lines


def demo_link_legend(kind: str) -> list[str]:
    """What a demo link opens, in words: the organisation's kind and the blocks it answers
    (a bare ``mvd_unit`` says nothing to someone trying the product)."""
    label, blocks = describe_kind(kind, "en")
    numbers = ", ".join(str(number) for number, _ in blocks)
    titles = "; ".join(f"{number}. {_headline(title)}" for number, title in blocks)
    return [f"  {label} ({kind}), blocks {numbers}:", f"    {titles}"]


def _headline(title: str) -> str:
    """A block's title up to its first sentence or bracket (the body that answers it)."""
    for mark in (". ", " ("):
        title = title.split(mark, 1)[0]
    return title


async def start_telegram(
    settings: Settings,
    services: Application,
    app: web.Application,
    *,
    redis: Any = None,
    worker: int | None = None,
) -> Telegram | None:
    """Start the Telegram channel if a token is set and ``bot.telegram`` is there.

    With WEBHOOK_PATH the webhook is added to ``app`` (call before the app starts; the
    URL is registered with Telegram by :func:`start` once the server listens); otherwise
    long polling runs as a task.  The bot's commands are set in the background (by worker 0
    only when there are several).  With ``redis``, one person's updates are serialised
    across workers (aiogram's ``RedisEventIsolation``) and a webhook call is answered once
    handled.  Any failure is logged and the web chat goes on alone.
    """
    if settings.bot_token is None or not settings.bot_token.get_secret_value():
        return None
    try:
        tg = importlib.import_module("bot.telegram")
    except ImportError as exc:
        log.warning("BOT_TOKEN is set but the Telegram channel is unavailable (%s): web only", exc)
        return None
    try:
        bot = tg.create_bot(settings)
        form = f"{settings.public_url.rstrip('/')}/tg"
        isolation = _isolation(redis)  # passed only when shared, as older builders take none
        extra = {"events_isolation": isolation} if isolation is not None else {}
        dispatcher = tg.build_dispatcher(services, form_url=form, **extra)
        telegram = Telegram(bot, dispatcher)
        if not worker:
            telegram.tasks.append(_background(tg.set_commands(bot), "setting the bot's commands"))
        if settings.webhook_path:
            secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
            # Across workers a webhook call is answered once handled (see setup_webhook).
            wait = {"in_background": False} if redis is not None else {}
            tg.setup_webhook(app, bot, dispatcher, settings.webhook_path, secret, **wait)
            telegram.mode = "webhook"
            log.info("Telegram: webhook at %s", settings.webhook_path)
            return telegram
        # This process's own signal handlers stop everything, polling included.
        telegram.polling = asyncio.create_task(
            tg.run_polling(bot, dispatcher, handle_signals=False)
        )
        telegram.polling.add_done_callback(_report_polling_end)
        log.info("Telegram: long polling")
        return telegram
    except Exception:
        log.exception("the Telegram channel failed to start: web only")
        return None


def _isolation(redis: Any) -> Any:
    """aiogram's event isolation over ``redis`` (None: the dispatcher's in-process one)."""
    if redis is None:
        return None
    from aiogram.fsm.storage.base import DefaultKeyBuilder
    from aiogram.fsm.storage.redis import RedisEventIsolation

    return RedisEventIsolation(redis, key_builder=DefaultKeyBuilder(prefix="saualnama"))


def open_redis(settings: Settings) -> Any:
    """A Redis client for ``REDIS_URL``, or None without it (one process, memory only)."""
    if not settings.redis_url:
        return None
    from redis.asyncio import Redis

    return Redis.from_url(settings.redis_url)


def sign_in_limiter(settings: Settings, redis: Any) -> Any:
    """The sign-in limiter: shared through Redis when there is one, else this process's."""
    if redis is None:
        return None  # the web chat makes its in-memory one
    from bot.web.ratelimit import RedisSlidingWindowLimiter

    return RedisSlidingWindowLimiter(redis, settings.sign_in_attempts_per_minute, 60.0)


async def register_webhook(settings: Settings, telegram: Telegram) -> None:
    """Tell Telegram where the webhook is: ``PUBLIC_URL`` + ``WEBHOOK_PATH``."""
    url = settings.public_url.rstrip("/") + (settings.webhook_path or "")
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    resolve = getattr(telegram.dispatcher, "resolve_used_update_types", None)
    await telegram.bot.set_webhook(
        url, secret_token=secret, allowed_updates=resolve() if resolve else None
    )
    log.info("Telegram webhook registered at %s", url)


def _background(work: Awaitable[object], what: str) -> asyncio.Task[None]:
    async def run() -> None:
        try:
            await work
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s failed", what)

    return asyncio.create_task(run())


def _report_polling_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("Telegram polling stopped", exc_info=task.exception())


async def start(
    settings: Settings,
    *,
    demo: bool = False,
    out: TextIO | None = None,
    worker: int | None = None,
) -> Runtime:
    """Open the database, build the web app (and Telegram), listen; returns what runs.

    ``worker`` is this process's index among ``--workers`` (they share the port, and
    worker 0 alone registers the webhook); ``None`` is the one process of the default.
    """
    services = await open_application(settings)
    runtime: Runtime | None = None
    redis = open_redis(settings)
    try:
        app = create_web_app(settings, services, limiter=sign_in_limiter(settings, redis))
        admin.panel.setup(app, settings, services.store)  # the coordinator's panel at /admin
        runtime = Runtime(settings, services, app, redis=redis)
        if demo:
            runtime.links = await seed_demo_campaign(services, settings)
        runtime.telegram = await start_telegram(settings, services, app, redis=redis, worker=worker)
        # reminders whenever a channel can deliver: Telegram, e-mail with SMTP_HOST, or both
        email = EmailSender(settings) if email_configured(settings) else None
        bot = runtime.telegram.bot if runtime.telegram is not None else None
        runtime.reminders = start_reminders(settings, services.reminders, bot, email, services.jobs)
        runtime.housekeeping = asyncio.create_task(
            services.jobs.run_exclusively("housekeeping", services.housekeeping.run_forever),
            name="saualnama-housekeeping",
        )
        runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await runner.setup()
        runtime.runner = runner
        site = web.TCPSite(
            runner, settings.web_host, settings.web_port, reuse_port=worker is not None
        )
        await site.start()
        if runtime.telegram is not None and runtime.telegram.mode == "webhook" and not worker:
            runtime.telegram.tasks.append(
                _background(register_webhook(settings, runtime.telegram), "registering the webhook")
            )
    except BaseException:
        if runtime is not None:
            await stop(runtime)
        else:
            await services.close()
            if redis is not None:
                await redis.aclose()
        raise
    out = out or sys.stdout
    print(f"Saualnama web chat: {settings.public_url.rstrip('/')}/  "
          f"(listening on {settings.web_host}:{settings.web_port})", file=out)  # fmt: skip
    if runtime.telegram:
        print(f"Telegram: {runtime.telegram.mode}", file=out)
    for line in runtime.links:
        print(line, file=out)
    out.flush()
    return runtime


async def stop(runtime: Runtime) -> None:
    """Stop the background jobs and Telegram, then the web server, then close the database."""
    jobs = [t for t in (runtime.reminders, runtime.housekeeping) if t is not None]
    for job in jobs:
        job.cancel()
    await asyncio.gather(*jobs, return_exceptions=True)
    tg = runtime.telegram
    if tg is not None:
        running = [t for t in [tg.polling, *tg.tasks] if t is not None]
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        session = getattr(tg.bot, "session", None)
        if session is not None:
            try:
                await session.close()
            except Exception:
                log.exception("closing the bot session failed")
    if runtime.runner is not None:
        await runtime.runner.cleanup()
    await runtime.services.close()
    if runtime.redis is not None:
        await runtime.redis.aclose()


async def serve(
    settings: Settings,
    *,
    demo: bool = False,
    stop_event: asyncio.Event | None = None,
    out: TextIO | None = None,
    worker: int | None = None,
) -> None:
    """Run until SIGINT/SIGTERM (or ``stop_event``), then shut down gracefully."""
    stop_event = stop_event or asyncio.Event()
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop_event.set)
            installed.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):
            pass
    try:
        runtime = await start(settings, demo=demo, out=out, worker=worker)
        try:
            await stop_event.wait()
            log.info("stopping")
        finally:
            await stop(runtime)
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Saualnama: the web chat, and the Telegram bot when BOT_TOKEN is set.",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="create a demo campaign (one organisation per subject kind) and print invite links",
    )
    parser.add_argument("--host", help="address to listen on (default: WEB_HOST, 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default: WEB_PORT, 8080)")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes sharing the port (several need PostgreSQL; see README)",
    )
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)  # set by the supervisor
    return parser.parse_args(argv)


def _without_workers(argv: Sequence[str]) -> list[str]:
    out: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--workers":
            skip = True
        elif not arg.startswith("--workers="):
            out.append(arg)
    return out


def setup_logging(settings: Settings) -> None:
    """Text lines for people, or JSON lines (``LOG_FORMAT=json``) with a request id."""
    from bot.logs import configure

    configure(settings.log_level, settings.log_format)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m bot``."""
    args = parse_args(argv)
    try:
        settings = load_settings()
    except Exception as exc:  # pydantic's ValidationError names the bad variable
        print(f"Invalid settings (see .env.example): {exc}", file=sys.stderr)
        return 2
    settings = effective_settings(settings, args.host, args.port)
    setup_logging(settings)
    if args.workers > 1 and args.worker is None:
        from bot import workers

        why = workers.refusal(settings, args.workers)
        if why:
            print(f"Cannot start {args.workers} workers: {why}", file=sys.stderr)
            return 2
        keep = [a for a in (argv if argv is not None else sys.argv[1:]) if a != "--demo"]
        passthrough = _without_workers(keep) + (["--demo"] if args.demo else [])
        return workers.supervise(settings, args.workers, passthrough)
    demo = args.demo and not args.worker  # worker 0 seeds the demo
    try:
        asyncio.run(serve(settings, demo=demo, worker=args.worker))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(f"Cannot start: {exc}", file=sys.stderr)
        return 1
    return 0
