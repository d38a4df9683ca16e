"""The cover sheet: what the file is, so it still says so when it leaves the coordinator.

Rows of (code, label, value): the campaign and its period, request date and deadline,
when and in which language it was exported, the questionnaire version, how many
organisations were asked, submitted, on time and included, the filter, the rule of
disclosure control and how many cells it hid, the rows of every table, and a legend of
subject kinds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from admin.export.data import CampaignData
from admin.export.labels import kind_label, t
from admin.export.options import ExportOptions
from dialogs.i18n import N_

COLUMNS = ("key", "label", "value")


@dataclass
class Counts:
    """Tallied while the campaign streams by."""

    organisations: int = 0
    submitted: int = 0
    on_time: int = 0
    included: int = 0
    primary: int = 0
    secondary: int = 0
    aggregate_primary: int = 0
    aggregate_secondary: int = 0
    kinds: set[str] = field(default_factory=set)


def cover_rows(
    data: CampaignData,
    options: ExportOptions,
    counts: Counts,
    rows: dict[str, int],
    trend: list[str],
    exported_at: datetime | None = None,
) -> Iterator[list[Any]]:
    lang = options.lang
    rule = options.disclosure
    moment = (exported_at or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    scope = (
        N_("только отправленные анкеты")
        if options.only_submitted
        else N_("все начатые анкеты, в том числе не отправленные")
    )
    suppression = (
        t(
            lang,
            N_(
                "включено: числа лиц от 1 до {k_1} показаны как «<{k}»; вторичное подавление"
                " скрывает ещё ячейки, чтобы скрытое нельзя было вычислить из итогов"
            ),
        ).format(k=rule.k, k_1=rule.k - 1)
        if rule.enabled
        else t(lang, N_("выключено"))
    )
    items: list[tuple[str, str, Any]] = [
        ("title", N_("Выгрузка для экспертной группы (пункты 13, 14 Правил)"), data.title),
        ("campaign", N_("Кампания"), data.campaign_id),
        ("period", N_("Отчетный период"), f"{data.period_start} — {data.period_end}"),
        ("requested_on", N_("Дата запроса"), str(data.requested_on or "")),
        ("deadline", N_("Срок представления"), str(data.deadline)),
        ("exported_at", N_("Дата выгрузки"), moment),
        ("questionnaire_version", N_("Версия опросника"), data.questionnaire_version),
        ("language", N_("Язык"), lang),
        ("organisations", N_("Организаций в кампании"), counts.organisations),
        ("submitted", N_("Отправили анкету"), counts.submitted),
        ("on_time", N_("Из них в срок"), counts.on_time),
        ("included", N_("Анкет в выгрузке"), counts.included),
        ("filter", N_("Отбор"), t(lang, scope)),
        ("suppression", N_("Защита малых ячеек"), suppression),
        (
            "suppressed_primary",
            N_("Скрыто ячеек (первичное подавление)"),
            counts.primary + counts.aggregate_primary,
        ),
        (
            "suppressed_secondary",
            N_("Скрыто ячеек (вторичное подавление)"),
            counts.secondary + counts.aggregate_secondary,
        ),
        ("trend", N_("Кампании динамики"), ", ".join(trend)),
        (
            "reports_note",
            N_("Примечание"),
            t(
                lang,
                N_(
                    "Суммы по всем видам субъектов — это суммы сообщений, а не число лиц: одни и те"
                    " же люди могут быть учтены полицией, приютом, загранучреждением и НКО"
                ),
            ),
        ),
    ]
    for key, label, value in items:
        yield [key, t(lang, label), value]
    for name, n in rows.items():
        yield [f"rows.{name}", t(lang, N_("Строк в таблице {name}")).format(name=name), n]
    for kind in sorted(counts.kinds):
        yield [f"kind.{kind}", kind, kind_label(lang, kind)]
