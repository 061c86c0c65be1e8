"""The first version of the agreement on electronic interaction: IS §6.2–6.5 of the
Regulation on information systems (Kyrgyz verbatim; Russian and English translations)."""

from django.db import migrations

TEXT_KY = """\
И. Раззаков атындагы Кыргыз мамлекеттик техникалык университетинин маалыматтык системаларында (МС) электрондук өз ара аракеттенүү жөнүндө макулдашуу

6.2. МС колдонуучулары учеттук жазууларды алууда жана программаларга кирүүгө мүмкүнчүлүк алууда жана тиешелүү өзгөртүүлөрдү жана маалыматтарды киргизүүдө өздүк кол тамгага барабар экендигине макул болушат.

6.3. И.Раззаков атындагы КМТУ окутуучуларга, кызматкерлерге жана студенттерге учеттук жазуулар берип, МС кирүүнү камсыз кылуу менен, алардын бардык аракеттерин МС деңгээлинде колдонуучулардын кол тамгасына эквиваленттүү деп таанууга макулдук берет.

6.4. Колдонуучу учеттук жазуусу боюнча МС ичиндеги же аны пайдалануудагы бардык аракеттер (о.э. алардын кесепеттери) үчүн, анын ичинде Колдонуучунун аккаунтуна кирүү үчүн маалыматтарды ыктыярдуу түрдө каалаган шарттарда үчүнчү жактарга өткөрүп берүү учурлары үчүн жалгыз өзү жоопкерчилик тартат (анын ичинде келишимдер боюнча).

6.5. Колдонуучунун МС уруксатсыз кирүү жөнүндө тиешелүү бөлүмдөрдүн МС үчүн жооптуу адамына жазуу жүзүндө өз алдынча кабарлаган жана/же сиздин сырсөзүңүздүн купуялуулугунун ар кандай бузулушу (бузулгандыгы жөнүндө шектенүү) жөнүндө учурларды кошпогондо, Колдонуучунун аккаунтундагы МС ичиндеги же аны пайдалануу менен бардык аракеттер Колдонуучунун өзү тарабынан жасалган деп эсептелет.
"""

TEXT_RU = """\
Соглашение об электронном взаимодействии в информационных системах (ИС) Кыргызского государственного технического университета им. И. Раззакова

6.2. Пользователи ИС, получая учётные записи и доступ к программам, а также внося соответствующие изменения и данные, соглашаются, что эти действия равнозначны собственноручной подписи.

6.3. КГТУ им. И. Раззакова, предоставляя преподавателям, сотрудникам и студентам учётные записи и обеспечивая доступ к ИС, соглашается признавать все их действия на уровне ИС эквивалентными подписи пользователей.

6.4. Пользователь единолично несёт ответственность за все действия (и их последствия) в ИС или при её использовании под своей учётной записью, в том числе в случаях добровольной передачи третьим лицам на любых условиях данных для входа в аккаунт Пользователя (в том числе по договорам).

6.5. Все действия в ИС или с её использованием под аккаунтом Пользователя считаются совершёнными самим Пользователем, за исключением случаев, когда Пользователь сам письменно сообщил ответственному за ИС соответствующего подразделения о несанкционированном доступе к ИС и/или о любом нарушении (подозрении на нарушение) конфиденциальности своего пароля.
"""

TEXT_EN = """\
Agreement on electronic interaction in the information systems (IS) of I. Razzakov Kyrgyz State Technical University

6.2. Users of the IS, on receiving accounts and access to programs and when entering changes and data, agree that these actions are equivalent to their handwritten signature.

6.3. I. Razzakov KSTU, by issuing accounts to teachers, staff and students and providing access to the IS, agrees to recognise all their actions at the level of the IS as equivalent to the users' signatures.

6.4. The User alone is responsible for all actions (and their consequences) in the IS or in its use under their account, including where the User voluntarily passes the data for signing in to their account to third parties on any terms (including under contracts).

6.5. All actions in the IS or with its use under the User's account are deemed to be made by the User, except where the User has reported in writing to the person responsible for the IS of the relevant unit an unauthorised access to the IS and/or any breach (suspected breach) of the confidentiality of their password.
"""


def add_v1(apps, schema_editor):
    AgreementVersion = apps.get_model("accounts", "AgreementVersion")
    AgreementVersion.objects.get_or_create(
        version=1, defaults={"text_ky": TEXT_KY, "text_ru": TEXT_RU, "text_en": TEXT_EN}
    )


def remove_v1(apps, schema_editor):
    apps.get_model("accounts", "AgreementVersion").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_account_lifecycle")]

    operations = [migrations.RunPython(add_v1, remove_v1)]
