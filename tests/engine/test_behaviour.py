"""The dialog's features one by one: buttons, rules, language, review, edit, submit, conflicts."""

from __future__ import annotations

from dialogs.application.dialog import DialogService
from dialogs.contract import Input
from tests.engine.scripted import ScriptedPerson, button
from tests.engine.test_bad_inputs import answers, goto
from tests.engine.transcript import render_reply as shown


async def stored(demo, contact_id) -> dict:
    return {c: v for c, _, v in await answers(demo, contact_id)}


async def person_at(demo, code: str, user: int = 1, lang: str = "ru", kind: str = "ngo"):
    contact_id = await demo.contact(kind, user=user, lang=lang)
    person = ScriptedPerson(demo.service, contact_id, lang=lang)
    await person.begin()
    await goto(person, code)
    return person


async def test_breakdown_category_by_category_with_a_running_sum(demo):
    person = await person_at(demo, "b16.i01.identified")
    await person.send(Input.text("9"))  # identified
    await goto(person, "b16.i01.sex")
    await person.send(button(person.replies, "cat:male"))
    assert shown(person.replies[-1]) == HOW_MANY_MALE
    await person.send(Input.text("4"))
    assert shown(person.replies[-1]) == SEX_4_OF_9
    await person.send(button(person.replies, "cat:female"))
    await person.send(Input.text("5"))  # 4 + 5 of 9: saved, and the walk goes on
    assert shown(person.replies[-1]) == SEX_9_OF_9
    values = await stored(demo, person.contact_id)
    assert values["b16.i01.sex"] == {"male": 4, "female": 5, "unknown": 0}
    assert (await person.where())["code"] == "b16.i01.social_status"


async def test_a_mismatch_is_shown_at_once_and_can_be_confirmed_with_an_explanation(demo):
    person = await person_at(demo, "b16.i01.received")
    await person.send(Input.text("10"))
    await goto(person, "b16.i01.identified")
    await person.send(Input.text("7"))
    await person.send(Input.text("5"))  # not identified: 7 + 5 ≠ 10
    assert shown(person.replies[-1]) == MISMATCH_12_OF_10
    await person.send(button(person.replies, "explain"))
    await person.send(Input.text("Двое поступили повторно"))
    values = await stored(demo, person.contact_id)
    assert values["rule:b16.i01.identified_plus_not"] == {
        "explanation": "Двое поступили повторно",
        "values": [10, 12],
    }
    # The confirmation holds for these numbers only: change one and it is asked again.
    await goto(person, "b16.i01.not_identified")
    await person.send(Input.text("4"))
    assert shown(person.replies[-1]) == MISMATCH_11_OF_10


async def test_a_mismatch_can_be_corrected(demo):
    person = await person_at(demo, "b16.i01.received")
    await person.send(Input.text("10"))
    await goto(person, "b16.i01.identified")
    await person.send(Input.text("7"))
    await person.send(Input.text("5"))
    await person.send(button(person.replies, "fix"))
    assert (await person.where())["code"] == "b16.i01.not_identified"
    await person.send(Input.text("3"))
    assert shown(person.replies[-1]) == CORRECTED_THE_NEXT_FIELD
    assert (await stored(demo, person.contact_id))["b16.i01.not_identified"] == 3


async def test_language_switch_continues_the_walk_in_the_new_language(demo):
    person = await person_at(demo, "b01.i02.economic")
    await person.send(Input.command("language"))
    await person.send(button(person.replies, "lang:kk"))
    assert shown(person.replies[-1]) == IN_KAZAKH_AT_1_2
    assert (await person.where())["code"] == "b01.i02.economic"
    contact = await demo.store.get_contact(person.contact_id)
    assert contact.language == "kk"
    person.lang = "kk"
    await person.send(Input.text("Жоқ"))
    assert (await stored(demo, person.contact_id))["b01.i02.economic"] == {
        "answer": "no",
        "description": None,
    }


async def test_back_skip_and_progress(demo):
    person = await person_at(demo, "b01.i01.legislation_gaps")
    await person.send(button(person.replies, "skip"))
    assert (await person.where())["code"] == "b01.i01.weak_regulation"
    await person.send(button(person.replies, "back"))
    assert (await person.where())["code"] == "b01.i01.legislation_gaps"
    await person.send(Input.command("progress"))
    assert shown(person.replies[-1]) == PROGRESS_AT_1_1


async def test_review_and_edit_an_answer(demo):
    person = await person_at(demo, "b16.i05.new_methods")
    await person.send(Input.text("Вербовка через мессенджеры"))
    await person.send(Input.command("review"))
    await person.send(button(person.replies, "rev:16"))
    assert shown(person.replies[-1]) == "« summary\n" + REVIEW_16.format(
        methods="Вербовка через мессенджеры"
    )
    await person.send(button(person.replies, "edit:b16.i05"))
    assert shown(person.replies[-1]) == EDIT_16_5
    await person.send(Input.text("Вербовка через соцсети"))
    assert person.replies[-1].kind == "summary", "back to the review after the edit"
    assert [shown(r) for r in person.replies] == [
        "« info\nСохранено.",  # a note of its own: a review drawn from its entries keeps it
        "« summary\n" + REVIEW_16.format(methods="Вербовка через соцсети"),
    ]
    response = await demo.store.get_response_for_contact(person.contact_id, demo.campaign.id)
    history = await demo.store.answer_history(response.id, "b16.i05.new_methods")
    assert [h.value for h in history] == ["Вербовка через мессенджеры", "Вербовка через соцсети"]


async def test_item_comment_is_stored(demo):
    person = await person_at(demo, "b16.i04.channels")
    await person.send(button(person.replies, "comment"))
    await person.send(Input.text("Данные за второе полугодие"))
    assert (await stored(demo, person.contact_id))[
        "b16.i04.comment"
    ] == "Данные за второе полугодие"
    assert (await person.where())["code"] == "b16.i04.channels"


async def test_submit_is_refused_until_everything_is_answered(demo):
    person = await person_at(demo, "b16.i05.new_methods")
    await person.send(Input.command("submit"))
    assert shown(person.replies[-1]) == NOT_YET
    response = await demo.store.get_response_for_contact(person.contact_id, demo.campaign.id)
    assert response.status != "submitted"


async def test_returned_for_correction_reopens_and_says_why(demo):
    contact_id = await demo.contact("tourism_ministry", user=31)
    person = ScriptedPerson(demo.service, contact_id)
    await person.begin()
    await person.walk_all()
    await person.submit()
    response = await demo.store.get_response_for_contact(contact_id, demo.campaign.id)
    assert response.status == "submitted"
    await demo.store.return_for_correction(
        response.id, "Уточните пункт 13.1", actor="coordinator:test"
    )
    replies = await demo.service.start(contact_id, channel="web")
    assert [shown(r) for r in replies] == [RETURNED_GREETING]
    await goto(person, "b13.i01.reports_referred")
    await person.send(Input.text("11"))
    assert (await stored(demo, contact_id))["b13.i01.reports_referred"] == 11


async def test_two_colleagues_never_overwrite_each_other(demo):
    first = await person_at(demo, "b16.i02.residence_appeals", user=41)
    colleague_id = await demo.contact("ngo", user=42)
    colleague = ScriptedPerson(DialogService(demo.store), colleague_id)
    await colleague.begin()
    await goto(colleague, "b16.i02.residence_appeals")
    await colleague.send(Input.text("5"))  # the colleague answers first
    replies = await first.send(Input.text("6"))  # the first saw the field empty
    assert [shown(r) for r in replies] == [A_COLLEAGUE_SAVED_5, ASKED_AGAIN_WITH_5]
    assert (await stored(demo, first.contact_id))["b16.i02.residence_appeals"] == 5
    await first.send(Input.text("6"))  # now they knowingly replace it
    assert (await stored(demo, first.contact_id))["b16.i02.residence_appeals"] == 6


async def test_an_unsure_country_offers_the_closest_matches(demo):
    person = await person_at(demo, "b16.i01.citizenship")
    await person.send(Input.text("Австр: 3"))
    assert shown(person.replies[-1]) == AUSTRIA_OR_AUSTRALIA
    await person.send(button(person.replies, "pick:AT"))
    await person.send(button(person.replies, "done"))  # no count to add up to: «Готово»
    assert (await stored(demo, person.contact_id))["b16.i01.citizenship"] == {"AT": 3}


async def test_countries_typed_in_kazakh_and_english(demo):
    person = await person_at(demo, "b16.i01.citizenship", lang="kk")
    await person.send(Input.text("Өзбекстан: 2; Russia: 1; азаматтығы жоқ: 1"))
    await person.send(button(person.replies, "done"))
    assert (await stored(demo, person.contact_id))["b16.i01.citizenship"] == {
        "UZ": 2,
        "RU": 1,
        "stateless": 1,
    }
    assert shown(person.replies[-1]) == COUNTRIES_IN_KAZAKH


async def test_help_explains_and_keeps_the_question(demo):
    person = await person_at(demo, "b16.i02.residence_appeals")
    await person.send(Input.command("help"))
    assert shown(person.replies[-1]) == HELP_AT_16_2
    assert (await person.where())["code"] == "b16.i02.residence_appeals"


async def test_a_closed_collection_is_read_only(demo):
    person = await person_at(demo, "b16.i02.residence_appeals")
    await demo.store.set_campaign_status(demo.campaign.id, "closed", actor="coordinator:test")
    before = await stored(demo, person.contact_id)
    replies = await person.send(Input.text("5"))
    assert [shown(r) for r in replies] == [CLOSED]
    assert await stored(demo, person.contact_id) == before
    await person.send(Input.command("review"))
    assert person.replies[-1].kind == "summary", "answers can still be read"


HOW_MANY_MALE = """\
« question
Сколько — «мужской»? Введите число.
   [Отмена → cancel]"""
SEX_4_OF_9 = """\
« question
Пол (мужской/женский) — итого 4 из 9.

Пол (мужской/женский)
• мужской: 4
• женский: 0
• неизвестно: 0
Пол (мужской/женский) — итого 4 из 9.
Нажмите категорию или напишите всё одним сообщением, например: мужской: 3; женский: 5
   [мужской (4) → cat:male] [женский (0) → cat:female]
   [неизвестно (0) → cat:unknown]
   [Готово → done]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]"""
SEX_9_OF_9 = """\
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
   [Комментарий → comment] [Меню → cmd:menu]"""
MISMATCH_12_OF_10 = """\
« question
Сохранено: 5.

Данные не сходятся: «Из них идентифицированных, Из них не идентифицированных» — 12, а «Общее количество поступивших лиц» — 10. Сумма должна быть равна.
   [Исправить → fix] [Данные верны, пояснить → explain]"""
MISMATCH_11_OF_10 = """\
« question
Сохранено: 4.

Данные не сходятся: «Из них идентифицированных, Из них не идентифицированных» — 11, а «Общее количество поступивших лиц» — 10. Сумма должна быть равна.
   [Исправить → fix] [Данные верны, пояснить → explain]"""
CORRECTED_THE_NEXT_FIELD = """\
« question
Сохранено: 3.

Количество жертв торговли людьми, признанных потерпевшими по преступлениям, связанным с торговлей людьми, и получивших специальные социальные услуги
Введите число цифрами, например: 25.
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]"""
IN_KAZAKH_AT_1_2 = """\
« question
Тіл: Қазақша.

1-блок. Жалпы сұрақтар
1.2. Қазақстан Республикасында адам саудасы тәуекелінің деңгейіне қандай факторлар әсер етеді?
Ескертпе: Адам саудасы тәуекелінің деңгейі жекелеген адамдардың немесе топтардың осалдығын күшейтуі мүмкін көптеген факторлармен айқындалады.

Экономикалық факторлар (экономикалық дағдарыс, шекаралас елдердің жағдайы, жұмыссыздық деңгейі, кірістердегі және ресурстарға қол жеткізудегі теңсіздік)
Иә ме, жоқ па? Иә болса, сипаттаңыз.
   [Иә → yes] [Жоқ → no]
   [Жоқ — қалған барлық тармақтарға → no_rest]
   [Деректер жоқ → nd] [Өткізіп жіберу → skip] [Артқа → back]
   [Түсініктеме → comment] [Мәзір → cmd:menu]"""
PROGRESS_AT_1_1 = """\
« question
Блок 1, пункт 1 из 10 — заполнено 0% анкеты (0 из 52).

Пробелы в законодательстве в сфере противодействия торговле людьми, несоответствие международным стандартам
Да или нет? Если да — опишите.
   [Да → yes] [Нет → no]
   [Нет — на все оставшиеся пункты → no_rest]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]"""
REVIEW_16 = """\
Блок 16. Некоммерческие организации, работающие в сфере противодействия торговле людьми

16.1. Сведения о жертвах торговли людьми
  Отчетный период: нет ответа
  Общее количество поступивших лиц: нет ответа
  Субъекты противодействия торговле людьми, перенаправившие к вам лиц для идентификации и предоставления специальных социальных услуг: нет ответа
  Из них идентифицированных: нет ответа
  Из них не идентифицированных: нет ответа
  Количество жертв торговли людьми, признанных потерпевшими по преступлениям, связанным с торговлей людьми, и получивших специальные социальные услуги: нет ответа
  Количество жертв торговли людьми, получивших помощь и специальные социальные услуги: нет ответа
  Количество жертв торговли людьми/фактов, перенаправленных в органы внутренних дел для принятия мер в рамках уголовного производства: нет ответа
  Количество жертв торговли людьми/фактов, перенаправленных в медицинские организации для получения ГОБМП: нет ответа
  Возраст жертв торговли людьми: нет ответа
  Страна гражданства (происхождения): нет ответа
  Национальность: нет ответа
  Пол (мужской/женский): нет ответа
  Социальный статус: нет ответа
  Семейное положение: нет ответа
  Инвалидность (имеется/не имеется): нет ответа
  Вид эксплуатации: нет ответа

16.2. Количество направленных обращений в местные исполнительные органы областей, городов республиканского значения и столицы с заявлением о ходатайстве для оформления разрешения на временное проживание иностранцам и лицам без гражданства, выявленным и идентифицированным в качестве жертв торговли людьми на территории Республики Казахстан
  Количество направленных обращений: нет ответа

16.3. Количество мер содействия по возвращению иностранцев, выявленных и идентифицированных в качестве жертв торговли людьми на территории Республики Казахстан, в страну гражданства
  Количество мер содействия по возвращению: нет ответа

16.4. Информация о возможных каналах вывоза, ввоза и транзита жертв торговли людьми
  Возможные каналы вывоза, ввоза и транзита: нет ответа

16.5. Информация о новых формах и методах, используемых торговцами людьми
  Новые формы и методы: {methods}
   [Изменить 16.1 → edit:b16.i01] [Изменить 16.2 → edit:b16.i02] [Изменить 16.3 → edit:b16.i03] [Изменить 16.4 → edit:b16.i04]
   [Изменить 16.5 → edit:b16.i05]
   [Блок 1 → rev:1]
   [Продолжить → resume] [Отправить → cmd:submit]"""

EDIT_16_5 = """\
« question
Блок 16. Некоммерческие организации, работающие в сфере противодействия торговле людьми
16.5. Информация о новых формах и методах, используемых торговцами людьми

Новые формы и методы
Напишите ответ (до 4 000 знаков).

Текущий ответ: Вербовка через мессенджеры
   [Оставить как есть → keep]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]"""
NOT_YET = """\
« error
Отправить пока нельзя.
Без ответа: 52 (первый — пункт 1.1). На каждый вопрос нужен ответ или «Нет данных» с причиной.

Блок 1. Общие вопросы
1.1. Какие риски наблюдаются в сфере противодействия торговле людьми в Республике Казахстан?
Примечание: Указываются возможные риски, которые могут ограничивать эффективность усилий по профилактике, предотвращению и борьбе с торговлей людьми.

Пробелы в законодательстве в сфере противодействия торговле людьми, несоответствие международным стандартам
Да или нет? Если да — опишите.
   [Да → yes] [Нет → no]
   [Нет — на все оставшиеся пункты → no_rest]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]"""
RETURNED_GREETING = """\
« summary
Здравствуйте! Это опросник по оценке рисков в сфере противодействия торговле людьми за 01.01.2025 – 31.12.2025 для организации «Демо: Министерство туризма и спорта Республики Казахстан». Срок — до 01.03.2026.
Каждый ответ сохраняется сразу; можно прерваться и продолжить позже. Если данных нет, нажмите «Нет данных» и укажите причину.

Координатор вернул анкету на доработку: Уточните пункт 13.1

Все вопросы заполнены: 32, из них «нет данных» — 4.
Проверьте ответы (/review) и отправьте анкету. После отправки изменить ответы сможет только координатор, вернув анкету на доработку.
   [Отправить анкету → submit]
   [Просмотр → cmd:review]"""
A_COLLEAGUE_SAVED_5 = """\
« error
Этот ответ только что изменил коллега из вашей организации. Сейчас сохранено: 5. Ваш ответ не записан, чтобы не затереть чужой; если нужно, ответьте ещё раз."""
ASKED_AGAIN_WITH_5 = """\
« question
Блок 16. Некоммерческие организации, работающие в сфере противодействия торговле людьми
16.2. Количество направленных обращений в местные исполнительные органы областей, городов республиканского значения и столицы с заявлением о ходатайстве для оформления разрешения на временное проживание иностранцам и лицам без гражданства, выявленным и идентифицированным в качестве жертв торговли людьми на территории Республики Казахстан

Количество направленных обращений
Введите число цифрами, например: 25.

Текущий ответ: 5
   [Оставить как есть → keep]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]"""
AUSTRIA_OR_AUSTRALIA = """\
« question
Не уверен, какая страна имеется в виду. Выберите:
   [Австрия → pick:AT] [Австралия → pick:AU]
   [Отмена → cancel]"""
COUNTRIES_IN_KAZAKH = """\
« question
Ұлты
Ұлты — барлығы 0.
Санат пен санды жазыңыз, бірнешеуін «;» арқылы бөліп жазуға болады, мысалы: санат: 3. Жолды алып тастау үшін 0 деп көрсетіңіз.
   [белгісіз → cat:unknown]
   [Дайын → done]
   [Деректер жоқ → nd] [Өткізіп жіберу → skip] [Артқа → back]
   [Түсініктеме → comment] [Мәзір → cmd:menu]"""
HELP_AT_16_2 = """\
« question
Отвечайте на вопросы по очереди: кнопками или текстом.
«Нет данных» — если сведений нет (укажите причину); «Пропустить» — вернуться к вопросу позже; «Назад» — к предыдущему вопросу; «Комментарий» — пояснение к пункту.
Разбивку можно ввести одним сообщением, например: «18-25: 3; 26-45: 5; неизвестно: 1».
Команды: /menu — перейти к блоку или пункту, /progress — сколько осталось, /review — просмотр ответов, /submit — отправить, /language — язык, /help — эта справка.

Количество направленных обращений
Введите число цифрами, например: 25.
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]"""
CLOSED = """\
« question
Сбор данных завершён, анкета доступна только для просмотра. Если нужно что-то добавить, обратитесь к координатору.
   [Просмотр → cmd:review] [Прогресс → cmd:progress]"""
