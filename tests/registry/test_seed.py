import pytest

from registry.models import InformationSystem, ReportSection, SignatureUse

pytestmark = pytest.mark.django_db

APPENDIX_KY = [
    "AVN маалыматтык системасы",
    "online.kstu.kg",
    "1C",
    "unet.kstu.kg",
    "Китепкана маалыматтык системалары",
    "Антиплагиат боюнча автоматташтырылган маалыматтык системасы",
    "КМТУнун расмий сайты",
    "Корпоративдик почта",
    "Видео конференц байланыш үчүн Zoom платформасы",
    "Canva",
]


def test_seed_holds_exactly_the_ten_systems_of_the_appendix_in_its_order():
    systems = list(InformationSystem.objects.order_by("sort_order"))
    assert [s.name_ky for s in systems] == APPENDIX_KY
    assert all(s.name_ru and s.name_en and s.is_active for s in systems)
    everyone = "Бардык кызматкерлер жана студенттер"
    assert [s.code for s in systems if s.user_groups_ky != everyone] == ["1c"]
    assert systems[2].user_groups_ky == "Бухгалтерия, бардык бөлүмдөрдүн табель түзүүчүлөрү"


def test_seed_signature_use_follows_the_note_column():
    by_use = {s.code: s.signature_use for s in InformationSystem.objects.all()}
    assert by_use.pop("avn") == SignatureUse.E_SIGNATURE
    assert by_use.pop("unet") == SignatureUse.E_SIGNATURE
    assert by_use.pop("1c") == SignatureUse.ELECTRONIC_CONFIRMATION
    assert set(by_use.values()) == {SignatureUse.NONE}


def test_seed_keeps_the_appendix_wording_for_units_and_notes():
    one_c = InformationSystem.objects.get(code="1c")
    assert one_c.responsible_units_ky == (
        "Бухгалтерия, Адамдык ресурстар башкармалыгы, Пландоо-каржылык башкармалыгы"
    )
    assert one_c.notes_ky == "Электрондук тастыктоо колдонулат"
    zoom = InformationSystem.objects.get(code="zoom")
    assert zoom.notes_ky == "Жыл сайын узартылат"
    assert zoom.notes_en == "Renewed every year"
    assert InformationSystem.objects.get(code="avn").responsible_units_en == (
        "Academic Affairs Office, Student Service Centre"
    )


def test_seed_gives_example_report_sections_to_avn_and_1c_only():
    codes = set(ReportSection.objects.values_list("system__code", flat=True))
    assert codes == {"avn", "1c"}
    payroll = ReportSection.objects.get(system__code="1c", code="payroll")
    assert (payroll.name_ky, payroll.name_ru, payroll.name_en) == (
        "Эмгек акы",
        "Заработная плата",
        "Payroll",
    )


def test_seeded_rows_have_a_creation_history_row():
    avn = InformationSystem.objects.get(code="avn")
    first = avn.history.earliest()
    assert first.history_type == "+"
    assert first.name_ky == "AVN маалыматтык системасы"
