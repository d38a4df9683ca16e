"""One action for many values: «Нет» to every remaining point of a yes/no list (block 1),
and, in year two, a description kept «как в прошлом году» (never the period's numbers)."""

from __future__ import annotations

from dialogs.contract import Answer
from tests.engine.transcript import at


def test_no_to_every_remaining_point_of_the_item() -> None:
    """1.2: the first point is a yes; «Нет» to the rest answers the other two; on to 1.3.
    The last point of a list has no such button (nothing remains)."""
    s = at("b01.i02.economic")
    s.resume()
    s.type("Безработица в приграничных районах")
    s.press("no_rest")
    assert s.transcript() == NO_TO_THE_REST
    last = at("b01.i03.other_measures")
    last.resume()
    actions = [b.data.split("|")[1] for row in last.replies[-1].buttons for b in row]
    assert "no_rest" not in actions


NO_TO_THE_REST = """\
» resume
« question
Блок 1. Общие вопросы
1.2. Какие факторы влияют на уровень риска торговли людьми в Республике Казахстан?
Примечание: Уровень риска торговли людьми определяется множеством факторов, которые могут усиливать уязвимость отдельных людей или групп.

Экономические факторы (экономический кризис, положение приграничных стран, уровень безработицы, неравенство в доходах и доступе к ресурсам)
Да или нет? Если да — опишите.
   [Да → yes] [Нет → no]
   [Нет — на все оставшиеся пункты → no_rest]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
» text 'Безработица в приграничных районах'
« question
Сохранено: «Да» с описанием.

Социальные и демографические факторы (уровень образования, низкая осведомленность населения о рисках торговли людьми, рост численности населения, внутренняя/внешняя миграция, социальная стигматизация)
Да или нет? Если да — опишите.
   [Да → yes] [Нет → no]
   [Нет — на все оставшиеся пункты → no_rest]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
+ save b01.i02.economic = {"answer": "yes", "description": "Безработица в приграничных районах"} (seen 0)
» press 'Нет — на все оставшиеся пункты' → no_rest
« question
Сохранено: «Нет» — пунктов: 2.

1.3. Какие необходимо принять меры по минимизации выявленных рисков и по повышению эффективности предпринимаемых мер?
Примечание: Для минимизации рисков и повышения эффективности мер противодействия торговле людьми необходимо внедрить комплексный подход, который включает законодательные, институциональные, социальные и другие меры.

Адаптация национального законодательства к международным стандартам
Да или нет? Если да — опишите.
   [Да → yes] [Нет → no]
   [Нет — на все оставшиеся пункты → no_rest]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
+ save b01.i02.social_demographic = {"answer": "no", "description": null} (seen 0)
+ save b01.i02.other_factors = {"answer": "no", "description": null} (seen any)
"""


def test_same_as_last_year_on_descriptions_only() -> None:
    """A yes with its description and a text are offered again with last year's text in
    full; a count never is, even when last year has one."""
    s = at("b01.i06.effective_measures")
    s.ctx.last_year = {
        "b01.i06.effective_measures": Answer("Рабочие встречи с МОМ и посольствами", None),
        "b01.i08.trained": Answer(12, None),
        "b01.i07.partner_organisations": Answer([{"name": "МОМ"}], None),
    }
    s.resume()
    s.press("same")
    s.press("skip")
    assert s.transcript() == SAME_AS_LAST_YEAR


SAME_AS_LAST_YEAR = """\
» resume
« question
Блок 1. Общие вопросы
1.6. Опишите наиболее эффективные меры международного сотрудничества (встречи, переговоры, форумы)

Наиболее эффективные меры международного сотрудничества
Напишите ответ (до 4 000 знаков).

В прошлом году: Рабочие встречи с МОМ и посольствами
   [Как в прошлом году → same]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
» press 'Как в прошлом году' → same
« question
Сохранено: как в прошлом году.

1.7. С какими международными и неправительственными организациями работаете в сфере противодействия торговле людьми (полное наименование)

Международные и неправительственные организации
Записей: 0. Добавьте запись или нажмите «Готово».
   [Добавить запись → add] [Готово → done]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
+ save b01.i06.effective_measures = "Рабочие встречи с МОМ и посольствами" (seen 0)
» press 'Пропустить' → skip
« question
1.8. Количество сотрудников, прошедших обучение/тренинги/повышение квалификации в сфере противодействия торговле людьми

Количество сотрудников, прошедших обучение/тренинги/повышение квалификации
Введите число цифрами, например: 25.
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
"""
