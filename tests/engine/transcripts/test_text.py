"""A free text, whole transcript: blank and symbol-only answers refused, a formula
and a script stored as plain text, an item comment.
"""

from __future__ import annotations

from tests.engine.transcript import at


def test_text_answers_and_a_comment() -> None:
    """Blank and emoji refused; the text saved; back; a comment saved and shown."""
    s = at("b01.i06.effective_measures")
    s.resume()
    s.type("   ")
    s.type("👍👍")
    s.type('=HYPERLINK("x") <script>alert(1)</script>')
    s.press("back")
    s.press("comment")
    s.type("Данные за второе полугодие")
    s.press("comment")
    s.press("cancel")
    s.press("skip")
    assert s.transcript() == TEXT_ANSWERS_AND_A_COMMENT


TEXT_ANSWERS_AND_A_COMMENT = """\
» resume
« question
Блок 1. Общие вопросы
1.6. Опишите наиболее эффективные меры международного сотрудничества (встречи, переговоры, форумы)

Наиболее эффективные меры международного сотрудничества
Напишите ответ (до 4 000 знаков).
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
» text '   '
« error
Пустой ответ. Напишите, пожалуйста, ответ.

Наиболее эффективные меры международного сотрудничества
Напишите ответ (до 4 000 знаков).
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
» text '👍👍'
« error
В ответе нет ни букв, ни цифр. Напишите, пожалуйста, ответ словами.

Наиболее эффективные меры международного сотрудничества
Напишите ответ (до 4 000 знаков).
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
» text '=HYPERLINK("x") <script>alert(1)</script>'
« question
Сохранено.

1.7. С какими международными и неправительственными организациями работаете в сфере противодействия торговле людьми (полное наименование)

Международные и неправительственные организации
Записей: 0. Добавьте запись или нажмите «Готово».
   [Добавить запись → add] [Готово → done]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
+ save b01.i06.effective_measures = "=HYPERLINK(\\"x\\") <script>alert(1)</script>" (seen 0)
» press 'Назад' → back
« question
1.6. Опишите наиболее эффективные меры международного сотрудничества (встречи, переговоры, форумы)

Наиболее эффективные меры международного сотрудничества
Напишите ответ (до 4 000 знаков).

Текущий ответ: =HYPERLINK("x") <script>alert(1)</script>
   [Оставить как есть → keep]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
» press 'Комментарий' → comment
« question
Комментарий к пункту 1.6: напишите пояснение.
   [Отмена → cancel]
» text 'Данные за второе полугодие'
« question
Комментарий сохранён.

Наиболее эффективные меры международного сотрудничества
Напишите ответ (до 4 000 знаков).

Текущий ответ: =HYPERLINK("x") <script>alert(1)</script>
   [Оставить как есть → keep]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
+ save b01.i06.comment = "Данные за второе полугодие" (seen any)
» press 'Комментарий' → comment
« question
Комментарий к пункту 1.6: напишите пояснение.
Текущий комментарий: Данные за второе полугодие
   [Отмена → cancel]
» press 'Отмена' → cancel
« question
Наиболее эффективные меры международного сотрудничества
Напишите ответ (до 4 000 знаков).

Текущий ответ: =HYPERLINK("x") <script>alert(1)</script>
   [Оставить как есть → keep]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
» press 'Пропустить' → skip
« question
1.7. С какими международными и неправительственными организациями работаете в сфере противодействия торговле людьми (полное наименование)

Международные и неправительственные организации
Записей: 0. Добавьте запись или нажмите «Готово».
   [Добавить запись → add] [Готово → done]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]
"""
