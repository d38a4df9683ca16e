"""A breakdown over fixed categories, whole transcripts: category by category or typed
at once, with a running total against the count it breaks down.
"""

from __future__ import annotations

from dialogs.contract import Answer, Input
from tests.engine.transcript import at


def test_breakdown_adds_up_to_its_count() -> None:
    """Done with nothing refused; male 4; «женский: 6» makes 10 of 9 → the rule → fix → 5 → done."""
    s = at("b16.i01.sex", 16, **{"b16.i01.identified": Answer(9, None, 1)})
    s.resume()
    s.press("done")
    s.press("cat:male")
    s.type("четыре")
    s.type("4")
    s.type("женский: 6")
    s.press("done")
    s.press("fix")
    s.type("женский: 5; мужской: 4")  # adds up to 9: saved, the next field
    assert s.transcript() == BREAKDOWN_ADDS_UP_TO_ITS_COUNT


BREAKDOWN_ADDS_UP_TO_ITS_COUNT = """\
» resume
« question
Последний ответ — 16.1. Из них идентифицированных: 9

Блок 16. Некоммерческие организации, работающие в сфере противодействия торговле людьми
16.1. Сведения о жертвах торговли людьми

Пол (мужской/женский)
• мужской: 0
• женский: 0
• неизвестно: 0
Итого: 0 из 9.
Нажмите категорию или напишите всё одним сообщением, например: мужской: 3; женский: 5
   [мужской (0) → cat:male] [женский (0) → cat:female]
   [неизвестно (0) → cat:unknown]
   [Готово → done]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
» press 'Готово' → done
« error
Пока ничего не введено. Введите данные, нажмите «Нет данных» или «Пропустить».

Пол (мужской/женский)
• мужской: 0
• женский: 0
• неизвестно: 0
Итого: 0 из 9.
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
» text 'четыре'
« error
Напишите число цифрами, например: 25

Сколько — «мужской»? Введите число.
   [Отмена → cancel]
» text '4'
« question
Итого: 4 из 9.

Пол (мужской/женский)
• мужской: 4
• женский: 0
• неизвестно: 0
Итого: 4 из 9.
Нажмите категорию или напишите всё одним сообщением, например: мужской: 3; женский: 5
   [мужской (4) → cat:male] [женский (0) → cat:female]
   [неизвестно (0) → cat:unknown]
   [Готово → done]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
» text 'женский: 6'
« question
Понято: женский — 6. Итого: 10 из 9.

Пол (мужской/женский)
• мужской: 4
• женский: 6
• неизвестно: 0
Итого: 10 из 9.
Нажмите категорию или напишите всё одним сообщением, например: мужской: 3; женский: 5
   [мужской (4) → cat:male] [женский (6) → cat:female]
   [неизвестно (0) → cat:unknown]
   [Готово → done]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
» press 'Готово' → done
« question
Данные не сходятся: «Пол (мужской/женский)» — 10, а «Из них идентифицированных» — 9. Сумма должна быть равна.
   [Исправить → fix] [Данные верны, пояснить → explain]
+ save b16.i01.sex = {"female": 6, "male": 4, "unknown": 0} (seen 0)
» press 'Исправить' → fix
« question
Пол (мужской/женский)
• мужской: 4
• женский: 6
• неизвестно: 0
Итого: 10 из 9.
Нажмите категорию или напишите всё одним сообщением, например: мужской: 3; женский: 5
   [мужской (4) → cat:male] [женский (6) → cat:female]
   [неизвестно (0) → cat:unknown]
   [Готово → done]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
» text 'женский: 5; мужской: 4'
« question
Понято: женский — 5; мужской — 4. Сохранено. Итого: 9 из 9.

Социальный статус
Итого: 0 из 9.
Напишите категорию и число, можно несколько через «;», например: работающий: 3. Чтобы убрать строку, укажите 0.
   [работающий → cat:employed] [безработный → cat:unemployed]
   [учащийся, студент → cat:student] [пенсионер → cat:pensioner]
   [неизвестно → cat:unknown]
   [Готово → done]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
+ save b16.i01.sex = {"female": 5, "male": 4, "unknown": 0} (seen 1)
"""


def test_a_forged_category_button_is_refused() -> None:
    """Button data can be forged (the web API takes any): a category the set lacks is never
    stored; the question is asked again."""
    s = at("b16.i01.sex", 16, **{"b16.i01.identified": Answer(9, None, 1)})
    s.resume()
    s.send(Input.button(f"{s.state.nonce}|cat:zzz"))
    s.type("3")
    assert s.transcript().split("» button", 1)[1] == FORGED_CATEGORY


FORGED_CATEGORY = """\
 '1|cat:zzz'
« error
Эта кнопка сейчас не действует. Вот текущий вопрос.

Пол (мужской/женский)
• мужской: 0
• женский: 0
• неизвестно: 0
Итого: 0 из 9.
Нажмите категорию или напишите всё одним сообщением, например: мужской: 3; женский: 5
   [мужской (0) → cat:male] [женский (0) → cat:female]
   [неизвестно (0) → cat:unknown]
   [Готово → done]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
» text '3'
« error
Перед числом 3 укажите категорию, например: «мужской: 3». Возможные категории: мужской, женский, неизвестно

Пол (мужской/женский)
• мужской: 0
• женский: 0
• неизвестно: 0
Итого: 0 из 9.
Нажмите категорию или напишите всё одним сообщением, например: мужской: 3; женский: 5
   [мужской (0) → cat:male] [женский (0) → cat:female]
   [неизвестно (0) → cat:unknown]
   [Готово → done]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
"""
