"""Appendix 1: exactly the 14 document types of HR EDO, with the signatures each side uses.

Kyrgyz names are the appendix's own words; Russian and English are translations. The
acquaintance term is 3 working days (EDO 1.2) unless HR sets a legal term on the type.
"""

from django.db import migrations

# number, code, kind, university signature, ky, ru, en
TYPES = [
    (1, "annual_leave_application", "application", "none",
     "Жыл сайын акы төлөнүүчү эмгек өргүүсүнө арыз (өргүүнүн бекитилбеген графиги боюнча өргүү берилгенде)",
     "Заявление о предоставлении ежегодного оплачиваемого отпуска (вне утверждённого графика отпусков)",
     "Application for annual paid leave (outside the approved leave schedule)"),
    (2, "unpaid_leave_application", "application", "none",
     "Эмгек акы төлөнбөгөн өргүү жөнүндө арыз",
     "Заявление о предоставлении отпуска без сохранения заработной платы",
     "Application for unpaid leave"),
    (3, "leave_transfer_application", "application", "none",
     "Өргүүнү которуу жөнүндө арыз",
     "Заявление о переносе отпуска",
     "Application to move a leave"),
    (4, "study_leave_application", "application", "none",
     "Кызматкердин окууга байланыштуу кошумча өргүү алууга арыз (окуу өргүүсү)",
     "Заявление о предоставлении дополнительного отпуска в связи с обучением (учебного отпуска)",
     "Application for additional study leave"),
    (5, "maternity_leave_application", "application", "none",
     "Кош бойлуулук жана төрөт боюнча өргүүгө арыз",
     "Заявление о предоставлении отпуска по беременности и родам",
     "Application for maternity leave"),
    (6, "childcare_leave_application", "application", "none",
     "Бала үч жашка чыкканга чейин бала багууга карата өргүү арызы",
     "Заявление о предоставлении отпуска по уходу за ребёнком до достижения им возраста трёх лет",
     "Application for childcare leave until the child is 3"),
    (7, "childcare_leave_end_application", "application", "none",
     "Бала үч жашка чыкканга чейин бала багуу өргүүсүн мөөнөтүнөн мурда токтотуу жөнүндө арыз",
     "Заявление о досрочном прекращении отпуска по уходу за ребёнком до достижения им возраста трёх лет",
     "Application to end childcare leave early"),
    (8, "annual_leave_order", "order", "enhanced_qualified",
     "Жыл сайын акы төлөнүүчү эмгек өргүүсүн берүү жөнүндө буйрук",
     "Приказ о предоставлении ежегодного оплачиваемого отпуска",
     "Order granting annual paid leave"),
    (9, "unpaid_leave_order", "order", "enhanced_qualified",
     "Эмгек акы төлөнбөгөн өргүү берүү жөнүндө буйрук",
     "Приказ о предоставлении отпуска без сохранения заработной платы",
     "Order granting unpaid leave"),
    (10, "study_leave_order", "order", "enhanced_qualified",
     "Кызматкердин окуусуна байланыштуу кошумча өргүү (окуу өргүүсү) берүү жөнүндө буйрук",
     "Приказ о предоставлении дополнительного отпуска в связи с обучением (учебного отпуска)",
     "Order granting study leave"),
    (11, "maternity_leave_order", "order", "enhanced_qualified",
     "Кош бойлуулук жана төрөт боюнча өргүү берүү жөнүндө буйрук",
     "Приказ о предоставлении отпуска по беременности и родам",
     "Order granting maternity leave"),
    (12, "childcare_leave_order", "order", "enhanced_qualified",
     "Бала үч жашка чыкканга чейин бала багуу боюнча өргүү берүү жөнүндө буйрук",
     "Приказ о предоставлении отпуска по уходу за ребёнком до достижения им возраста трёх лет",
     "Order granting childcare leave"),
    (13, "childcare_leave_end_order", "order", "enhanced_qualified",
     "Бала үч жашка чыкканга чейин бала багуу өргүүсүн мөөнөтүнөн мурда токтотуу жөнүндө буйрук",
     "Приказ о досрочном прекращении отпуска по уходу за ребёнком до достижения им возраста трёх лет",
     "Order ending childcare leave early"),
    (14, "edo_participation_application", "application", "none",
     "Кадрдык электрондук документ жүгүртүү аркылуу иш берүүчү менен өз ара аракеттенүү үчүн кызматкердин арызы",
     "Заявление работника о взаимодействии с работодателем посредством кадрового электронного документооборота",
     "Employee's application to interact with the employer through HR EDO"),
]


def seed(apps, schema_editor):
    DocumentType = apps.get_model("hr_edo", "DocumentType")
    for number, code, kind, university, ky, ru, en in TYPES:
        DocumentType.objects.update_or_create(
            number=number,
            defaults={
                "code": code, "kind": kind, "university_signature": university,
                "name_ky": ky, "name_ru": ru, "name_en": en, "acquaintance_working_days": 3,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("hr_edo", "DocumentType").objects.filter(
        number__in=[t[0] for t in TYPES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("hr_edo", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
