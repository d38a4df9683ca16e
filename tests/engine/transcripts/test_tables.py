"""A breakdown or a list sent as one table (``Input.table``), what a question expects
(``Reply.expects``) and the button a step answers (``Reply.chosen``)."""

from __future__ import annotations

from dialogs.contract import Answer, Category, Chosen, Expects, Input, ListColumn
from tests.engine.transcript import at


def test_a_breakdown_table_is_one_input_saved_and_done() -> None:
    """The table's numbers (one refused, then right) replace the breakdown; the walk goes on."""
    s = at("b16.i01.sex", 16, **{"b16.i01.identified": Answer(9, None, 1)})
    s.resume()
    assert s.replies[-1].expects == Expects(
        text=True,
        field="b16.i01.sex",
        kind="breakdown",
        categories=(
            Category("male", "мужской"),
            Category("female", "женский"),
            Category("unknown", "неизвестно"),
        ),
        total=9,
        total_label="Из них идентифицированных",
        form=f"{s.state.nonce}|form",
    )
    form = s.replies[-1].expects.form
    s.send(Input.table(form, {"male": "4", "female": "пять", "unknown": ""}))
    s.send(Input.table(s.replies[-1].expects.form, {"male": "4", "female": "5", "unknown": ""}))
    assert s.transcript() == BREAKDOWN_TABLE


BREAKDOWN_TABLE = """\
» resume
« question
Последний ответ — 16.1. Из них идентифицированных: 9

Блок 16. Некоммерческие организации, работающие в сфере противодействия торговле людьми
16.1. Сведения о жертвах торговли людьми

Пол (мужской/женский)
• мужской: 0
• женский: 0
• неизвестно: 0
Пол (мужской/женский) — итого 0 из 9.
Нажмите категорию или напишите всё одним сообщением, например: мужской: 3; женский: 5
   [мужской (0) → cat:male] [женский (0) → cat:female]
   [неизвестно (0) → cat:unknown]
   [Готово → done]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
» form '1|form'
« error
«женский»: Напишите число цифрами, например: 25

Пол (мужской/женский)
• мужской: 0
• женский: 0
• неизвестно: 0
Пол (мужской/женский) — итого 0 из 9.
Нажмите категорию или напишите всё одним сообщением, например: мужской: 3; женский: 5
   [мужской (0) → cat:male] [женский (0) → cat:female]
   [неизвестно (0) → cat:unknown]
   [Готово → done]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
» form '2|form'
« question
Сохранено. Пол (мужской/женский) — итого 9 из 9.

Социальный статус
Социальный статус — итого 0 из 9.
Напишите категорию и число, можно несколько через «;», например: работающий: 3. Чтобы убрать строку, укажите 0.
   [работающий → cat:employed] [безработный → cat:unemployed]
   [учащийся, студент → cat:student] [пенсионер → cat:pensioner]
   [неизвестно → cat:unknown]
   [Готово → done]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
+ save b16.i01.sex = {"female": 5, "male": 4, "unknown": 0} (seen 0)
"""


def test_a_table_from_an_old_question_is_stale_and_a_mismatch_asks_fix_or_confirm() -> None:
    s = at("b16.i01.sex", 16, **{"b16.i01.identified": Answer(9, None, 1)})
    s.resume()
    old = s.replies[-1].expects.form
    s.press("cat:male")
    s.send(Input.table(old, {"male": "4"}))
    s.press("cancel")
    s.send(Input.table(s.replies[-1].expects.form, {"male": "4", "female": "6"}))
    assert s.transcript() == STALE_AND_MISMATCH


STALE_AND_MISMATCH = """\
» resume
« question
Последний ответ — 16.1. Из них идентифицированных: 9

Блок 16. Некоммерческие организации, работающие в сфере противодействия торговле людьми
16.1. Сведения о жертвах торговли людьми

Пол (мужской/женский)
• мужской: 0
• женский: 0
• неизвестно: 0
Пол (мужской/женский) — итого 0 из 9.
Нажмите категорию или напишите всё одним сообщением, например: мужской: 3; женский: 5
   [мужской (0) → cat:male] [женский (0) → cat:female]
   [неизвестно (0) → cat:unknown]
   [Готово → done]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
» press 'мужской (0)' → cat:male
« question
Сколько — «мужской»? Введите число.
   [Отмена → cancel]
» form '1|form'
« error
Эта кнопка относится к прошлому сообщению. Вот текущий вопрос.

Сколько — «мужской»? Введите число.
   [Отмена → cancel]
» press 'Отмена' → cancel
« question
Пол (мужской/женский)
• мужской: 0
• женский: 0
• неизвестно: 0
Пол (мужской/женский) — итого 0 из 9.
Нажмите категорию или напишите всё одним сообщением, например: мужской: 3; женский: 5
   [мужской (0) → cat:male] [женский (0) → cat:female]
   [неизвестно (0) → cat:unknown]
   [Готово → done]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
» form '4|form'
« question
Сохранено. Пол (мужской/женский) — итого 10 из 9.

Данные не сходятся: «Пол (мужской/женский)» — 10, а «Из них идентифицированных» — 9. Сумма должна быть равна.
   [Исправить → fix] [Данные верны, пояснить → explain]
+ save b16.i01.sex = {"female": 6, "male": 4, "unknown": 0} (seen 0)
"""


def test_a_list_table_replaces_the_list() -> None:
    """Rows of cells, the country as typed; a row without a required cell is refused."""
    s = at("b01.i05.partner_states")
    s.resume()
    expects = s.replies[-1].expects
    assert expects.columns == (
        ListColumn("state", "Иностранное государство", "country"),
        ListColumn("results", "Результаты работы", "text"),
    )
    s.send(Input.table(expects.form, {"1.state": "Узбекистан", "2.results": "обмен опытом"}))
    s.send(
        Input.table(
            s.replies[-1].expects.form,
            {"1.state": "Узбекистан", "1.results": "обучение", "2.state": "Кыргызстан",
             "2.results": "обмен опытом"},
        )
    )  # fmt: skip
    assert s.transcript() == LIST_TABLE


LIST_TABLE = """\
» resume
« question
Блок 1. Общие вопросы
1.5. С какими иностранными государствами наиболее активно взаимодействуете в сфере противодействия торговле людьми? Результаты работы (обмен опытом, внедрение положительной практики, обучение сотрудников, оказание помощи жертвам торговли людьми, раскрытие преступления)?

Иностранные государства и результаты взаимодействия
Записей: 0. Добавьте запись или нажмите «Готово».
   [Добавить запись → add] [Готово → done]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
» form '1|form'
« error
Заполните «Результаты работы» в каждой строке.

Иностранные государства и результаты взаимодействия
Записей: 0. Добавьте запись или нажмите «Готово».
   [Добавить запись → add] [Готово → done]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
» form '2|form'
« question
Сохранено. Записей: 2.

1.6. Опишите наиболее эффективные меры международного сотрудничества (встречи, переговоры, форумы)

Наиболее эффективные меры международного сотрудничества
Напишите ответ (до 4 000 знаков).
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
+ save b01.i05.partner_states = [{"results": "обучение", "state": "UZ"}, {"results": "обмен опытом", "state": "KG"}] (seen 0)
"""


def test_a_pressed_button_is_named_for_the_question_it_answered() -> None:
    s = at("b01.i04.cooperation")
    s.resume()
    nonce = s.state.nonce
    s.press("opt:with_difficulties")
    assert s.replies[0].chosen == Chosen(
        nonce,
        "2. Международное сотрудничество осуществляется в рамках международных конвенций, "
        "соглашений, форумов, круглых столов. Сложности возникают (из-за различий правовых "
        "систем и законодательства; практического применения законодательства; проблем с "
        "обменом информацией и получением ответов в короткие сроки, недостаточности ресурсов "
        "и финансирования для проведения международных мероприятий).",
    )
    assert s.replies[-1].expects == Expects(text=True, field="b01.i04.cooperation", kind="choice")
    s.press("cancel")
    nonce = s.state.nonce
    s.press("nd")
    assert s.replies[0].chosen == Chosen(nonce, "Нет данных")
